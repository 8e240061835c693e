"""Content tests for the flagship course, Becoming a Certified Medical Assistant.

These tests read course_content/ straight from disk with PyYAML and the standard
library, so they check the course itself and do not depend on the cmacourse package.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

COURSE = Path(__file__).resolve().parents[2] / "course_content"

#: (folder, module id, kind) for the six pathway steps, in order.
STEPS = [
    ("01-high-school", "step-1-high-school", "diploma"),
    ("02-program", "step-2-program", "program"),
    ("03-externship", "step-3-externship", "externship"),
    ("04-exam", "step-4-exam", "exam"),
    ("05-jobs", "step-5-jobs", "jobs"),
    ("06-recertification", "step-6-recertification", "recertification"),
]
FOLDER = {module_id: folder for folder, module_id, _ in STEPS}

M1, M2, M3, M4, M5, M6 = (module_id for _, module_id, _ in STEPS)

#: Facts quoted verbatim from the source article, and the module whose text must state each one.
FACTS: list[tuple[str, str]] = [
    # What a CMA is and does
    ("supports doctors and nurses by performing various clinical and administrative tasks in a medical setting", M1),
    ("is a vital part of a healthcare team, helping doctors and nurses by doing various tasks in medical offices or clinics.", M1),
    ("A certified medical assistant is a key player in healthcare teams, assisting doctors and nurses with patient support. CMAs handle many different tasks, both in caring for patients and office work.", M1),
    ("CMAs take care of patients by checking their vital signs, giving shots, drawing blood, and getting them ready for exams. They also assist during medical treatments.", M1),
    ("CMAs handle office tasks like updating medical records, scheduling appointments, and managing the front desk.", M1),
    ("They act as a link between patients and healthcare providers, making sure everything in the clinic runs smoothly, and patients get good care.", M1),
    ("CMAs must have medical knowledge, be good with technical tasks, and have strong people skills.", M1),
    ("A CMA is deeply involved in patient care and healthcare administration, making them indispensable in medical settings", M1),
    ("CMAs are the backbone of patient care, offering support that keeps healthcare facilities running smoothly", M1),
    ("Becoming a CMA offers a steppingstone into the healthcare world, providing a broad understanding of medical field intricacies.", M1),
    # The duties list
    ("Checking vital signs like blood pressure, weight, and temperature", M1),
    ("Collecting patient histories", M1),
    ("Prepping patients for checkups or tests", M1),
    ("Helping during treatments, like taking care of wounds", M1),
    ("Performing blood draws", M1),
    ("Administering shots like immunizations", M1),
    ("Documenting patients' medical records", M1),
    ("Providing support during medical tasks", M1),
    ("Customer service", M1),
    # Scope limits, not nurses, drawing blood
    ("CMAs are not authorized to prescribe medications, make diagnoses, perform surgeries, interpret lab results, or provide medical advice.", M1),
    ("CMAs are not authorized to prescribe medications, make diagnoses, perform surgeries, interpret lab results, or provide medical advice.", M3),
    ("CMAs and nurses serve different but complementary roles in patient care, with distinct education and responsibilities.", M1),
    ("Nurses are not CMAs, and CMAs are not nurses.", M1),
    ("Some CMAs are trained to perform tasks like drawing blood, depending on their job setting.", M1),
    ("Some CMAs are trained to perform tasks like drawing blood, depending on their job setting.", M3),
    # The pathway and Step 1
    ("complete a diploma program, gain hands-on experience through an externship, and pass a certification exam offered by the National Healthcareer Association (NHA) or the American Association of Medical Assistants (AAMA)", M1),
    ("The first step in the CMA career path is to earn a high school diploma or GED.", M1),
    ("This foundational education is crucial for pursuing further studies in medical assisting.", M1),
    # The source and its educator
    ("Lauren Ambrosio", M1),
    ("04.04.2024", M1),
    ("Theresa Sinkevich, an experienced Registered Medical Assistant and educator at CareerStep", M1),
    ("the pathway to securing a position in the field", M1),
    # Step 2: the program and basic math
    ("Look for a medical assisting program at a community college, vocational school, or technical institute.", M2),
    ("These programs typically offer a certificate or associate degree and cover both clinical and administrative skills necessary for a certified medical assistant.", M2),
    ("CMAs usually complete a one to two-year program", M2),
    ("you don't have to be great at math to become a Certified Medical Assistant (CMA)", M2),
    ("Basic math skills are necessary for tasks like calculating medication dosages and handling billing, but advanced math is not required.", M2),
    ("While not all tasks require advanced math, CMAs need basic skills for tasks like dosage calculations", M2),
    # Comparisons with other careers
    ("Certified Medical Assistants (CMAs) play a vital role in healthcare, often serving as a crucial link between patients and doctors. They perform both administrative and clinical tasks.", M2),
    ("CMAs usually complete a one to two-year program, while CNA training can be completed in a few weeks to months.", M2),
    ("CMAs handle various tasks from administrative to clinical, whereas CNAs focus more on direct patient care.", M2),
    ("CMAs generally earn a higher salary compared to CNAs due to their broader scope of responsibilities.", M2),
    ("LPNs undergo more extensive training than CMAs, typically requiring one to two years of nursing education.", M2),
    ("LPNs provide more in-depth patient care and can perform certain nursing duties.", M2),
    ("LPNs typically earn higher salaries than CMAs due to their advanced training and scope of practice.", M2),
    ("Medical assistants have a broad role, while sterile processing technicians focus on cleaning, sterilizing, and preparing medical instruments.", M2),
    ("Both roles require post-secondary education or certification, but their focus areas are different.", M2),
    ("The salaries can vary, with medical assistants generally earning more due to their direct involvement in patient care.", M2),
    ("Both roles typically require a diploma or certificate; however, pharmacy technicians may need to pass additional certification exams.", M2),
    ("Medical assistants have varied duties, while pharmacy technicians focus on assisting pharmacists, managing medications, and customer service.", M2),
    ("Salaries are similar, but variations can occur based on the work environment and state.", M2),
    ("Both require similar levels of education, but PCTs often receive additional training in specialized patient care techniques.", M2),
    ("PCTs focus more on direct patient care compared to CMAs.", M2),
    ("The salaries are comparable, but PCTs might earn slightly more depending on their additional responsibilities and skills.", M2),
    ("Both careers require certification or a diploma. Phlebotomists focus specifically on blood draw and specimen collection.", M2),
    ("CMAs have a broader role, while phlebotomists specialize in drawing blood and handling specimens.", M2),
    ("Medical assistants typically earn more due to their wider range of responsibilities, though salaries can vary by location and experience.", M2),
    # Step 3: the externship
    ("Many programs include an externship or practical clinical experience.", M3),
    ("Many programs include an externship or practical clinical experience", M4),
    ("This hands-on training is vital, as it provides real-world experience in a healthcare setting.", M3),
    ("CMAs must have medical knowledge, be good with technical tasks, and have strong people skills.", M3),
    ("CMAs assist with patient intake, record vital signs, update medical records, and may perform basic laboratory tests.", M3),
    # Step 4: the exam and the credentials
    ("After completing your education, you'll need to pass the CCMA exam offered by the National Healthcareer Association (NHA) or the CMA exam offered by the American Association of Medical Assistants (AAMA).", M4),
    ("Preparing for and successfully passing your exam is a critical step on the CMA career path.", M4),
    ("The Certified Medical Assistant (CMA) credential is offered by the American Association of Medical Assistants (AAMA), while the Certified Clinical Medical Assistant (CCMA) credential is offered by the National Healthcareer Association (NHA).", M4),
    ("Both prepare students for careers as Certified Medical Assistants, though CCMAs tend to focus on clinical duties and perform fewer administrative tasks.", M4),
    ("Both CMAs and RMAs perform similar roles, but they're certified through different organizations. CMAs are certified through the AAMA, while RMAs are certified through the AMT.", M4),
    ("Both roles require similar education, usually a post-secondary certificate or diploma.", M4),
    ("CMAs and RMAs have similar job responsibilities and salary expectations, as their roles in medical settings are quite comparable.", M4),
    ("experienced Registered Medical Assistant", M4),
    # Step 5: applying for jobs
    ("With your certification in hand, you can start applying for CMA positions.", M5),
    ("You can work in various healthcare settings, such as hospitals, outpatient clinics, and physicians' offices.", M5),
    ("There are several types of medical assistant roles. There are jobs for entry-level and experienced, credentialed medical assistants.", M5),
    ("CMAs work in a variety of healthcare settings, providing them with diverse work environments and experiences.", M5),
    ("CMAs can choose a workplace that fits what they're good at, what they like, and what they want to achieve in their career.", M5),
    # The seven work settings
    ("Physicians' offices", M5),
    ("Often provides a more routine and predictable schedule, with standard business hours.", M5),
    ("CMAs assist with patient intake, record vital signs, update medical records, and may perform basic laboratory tests.", M5),
    ("Smaller practices might require CMAs to handle more varied tasks, including administrative duties.", M5),
    # The source lost this setting's heading; its own bullets name it ("CMAs in hospitals").
    ("Hospitals", M5),
    ("Fast-paced with the possibility of working shifts, including nights, weekends, and holidays.", M5),
    ("CMAs in hospitals might work in specific departments like emergency, pediatrics, or surgery, assisting with a wide range of clinical tasks.", M5),
    ("Work hours can be less predictable, and CMAs may encounter a more diverse patient population with varying medical needs.", M5),
    ("Outpatient clinics", M5),
    ("urgent care centers", M5),
    ("Busy settings that often require flexibility in scheduling, as many are open extended hours.", M5),
    ("CMAs assist with a high volume of patients, performing tasks like wound care, vital signs, and patient education.", M5),
    ("May have more unpredictable work hours than a physician's office but more routine than hospitals.", M5),
    ("Specialty clinics", M5),
    ("pediatrics, cardiology, orthopedics", M5),
    ("Specialized care often allows for more regular hours, similar to physician's offices.", M5),
    ("CMAs gain specialized knowledge in their field, assisting with procedures and care specific to the clinic's focus.", M5),
    ("The tasks and patient interactions can be more specialized, focusing on the clinic's particular medical field.", M5),
    ("Long-term care facilities", M5),
    ("Steady environment with potential for shifts covering all hours, including overnight.", M5),
    ("CMAs may provide more personal care, assist with medications, and monitor long-term health conditions.", M5),
    ("Work can be more consistent in terms of patient population but requires building longer-term relationships with residents.", M5),
    ("Community health centers", M5),
    ("Often serve a diverse population, possibly with set hours, but sometimes extended to meet community needs.", M5),
    ("CMAs perform a variety of clinical and administrative tasks, supporting community health initiatives.", M5),
    ("May offer the opportunity to work with a wide range of patients and conditions, focusing on community health.", M5),
    ("Educational institutions", M5),
    ("Typically provides stable hours, following the academic calendar with potential seasonal breaks.", M5),
    ("CMAs in schools or colleges might manage student health records, provide basic care, and support health education.", M5),
    ("Work is generally more predictable and may include educational responsibilities, such as health promotion among students.", M5),
    # Job outlook and pay (U.S. Bureau of Labor Statistics)
    ("The U.S. Bureau of Labor Statistics says that medical assistant jobs will grow by 14% between 2022 and 2032", M5),
    ("much faster than most other jobs", M5),
    ("This is because there's a bigger need for medical services that prevent illnesses, and these jobs are often filled by medical assistants.", M5),
    ("Every year, there will be about 114,600 new job openings for medical assistants, mainly to replace those who leave for other jobs or retire.", M5),
    ("Medical assistants earned a median salary of $38,270 in May 2022.", M5),
    ("How much they earn can change depending on where they work and their location.", M5),
    ("medical assistants in outpatient care centers usually make more money, around $42,820, compared to those in doctors' offices, who make about $37,900.", M5),
    ("Generally, the average salary for medical assistants is around $37,190, but this can range from less than $29,070 to more than $48,170.", M5),
    ("BLS Occupational Outlook Handbook – Medical Assistants", M5),
    ("The demand for CMAs is growing, reflecting the vital role they play in healthcare", M5),
    # Step 6: maintaining certification
    ("CMAs are required to recertify every 60 months through continuing education or re-examination to ensure they stay up-to-date with the latest in healthcare practices.", M6),
    ("Becoming a CMA is more than a job; it's a steppingstone to a fulfilling career in healthcare", M6),
]

QUESTION_TYPES = {"single_choice", "multiple_response", "true_false", "matching", "ordering", "fill_blank", "numeric"}
CHOICE_TYPES = {"single_choice", "multiple_response"}
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
FENCE = re.compile(r"^```([A-Za-z0-9_-]+)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
# The source uses typographic quotes; the course uses plain ones.
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Collapse runs of whitespace and turn typographic quotes into plain ones."""
    return " ".join(text.translate(QUOTES).split())


def load_yaml(path: Path) -> Any:
    """Parse one YAML file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def course() -> dict[str, Any]:
    """The parsed course.yaml."""
    return load_yaml(COURSE / "course.yaml")


@cache
def module(module_id: str) -> dict[str, Any]:
    """The parsed module.yaml of a module, by id."""
    return load_yaml(COURSE / FOLDER[module_id] / "module.yaml")


def split_page(path: Path) -> tuple[dict[str, Any], str]:
    """A page's front matter and its Markdown body."""
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    assert match, f"{path} has no front matter"
    return yaml.safe_load(match.group(1)), text[match.end():]


def blocks(body: str, kind: str) -> list[dict[str, Any]]:
    """The parsed YAML bodies of a page's content blocks of one kind."""
    return [yaml.safe_load(m.group(2)) for m in FENCE.finditer(body) if m.group(1) == kind]


def module_assessments(module_id: str) -> list[dict[str, Any]]:
    """The parsed assessment files of a module."""
    folder = COURSE / FOLDER[module_id]
    return [load_yaml(folder / name) for name in module(module_id).get("assessments", [])]


def knowledge_check(module_id: str) -> dict[str, Any]:
    """The module's knowledge check."""
    checks = [a for a in module_assessments(module_id) if a["kind"] == "knowledge_check"]
    assert len(checks) == 1, f"{module_id} should have exactly one knowledge check"
    return checks[0]


def final_exam() -> dict[str, Any]:
    """The parsed final exam."""
    return load_yaml(COURSE / course()["final_exam"])


def all_questions() -> list[dict[str, Any]]:
    """Every question in the course: knowledge checks and the final exam."""
    questions = [q for _, module_id, _ in STEPS for a in module_assessments(module_id) for q in a["questions"]]
    return questions + final_exam()["questions"]


@cache
def module_text(module_id: str) -> str:
    """Everything a module's files say, read from disk, with whitespace normalised."""
    folder = COURSE / FOLDER[module_id]
    files = [folder / "module.yaml"] + [folder / p for p in module(module_id)["pages"]]
    files += [folder / a for a in module(module_id).get("assessments", [])]
    return normalise("\n".join(f.read_text(encoding="utf-8") for f in files))


def all_objectives() -> dict[str, str]:
    """Every objective id in the course, mapped to the id of its module."""
    return {o["id"]: module_id for _, module_id, _ in STEPS for o in module(module_id)["objectives"]}


def test_modules_follow_the_six_steps_in_order():
    """The course lists the six step modules in order, with the right kinds and each requiring the one before."""
    assert course()["id"] == "cma-pathway"
    assert course()["modules"] == [folder for folder, _, _ in STEPS]
    previous = None
    for _, module_id, kind in STEPS:
        data = module(module_id)
        assert (data["id"], data["kind"]) == (module_id, kind)
        assert data.get("requires", []) == ([previous] if previous else [])
        previous = module_id


@pytest.mark.parametrize(("fact", "module_id"), FACTS, ids=[f"{m}:{f[:40]}" for f, m in FACTS])
def test_fact_appears_verbatim_in_its_module(fact, module_id):
    """Each fact from the source appears word for word in the module where learners need it."""
    assert normalise(fact) in module_text(module_id)


def test_facts_cover_every_module():
    """The facts table places facts in all six modules and names no unknown module."""
    assert {module_id for _, module_id in FACTS} == set(FOLDER)


def test_every_objective_is_assessed():
    """Every objective of every module is assessed by at least one question."""
    assessed = {o for q in all_questions() for o in q.get("objectives", [])}
    assert set(all_objectives()) - assessed == set()


def test_every_question_names_known_objectives():
    """Every question assesses at least one objective, and only objectives the course defines."""
    objectives = all_objectives()
    for question in all_questions():
        assert question.get("objectives"), f"{question['id']} has no objectives"
        assert set(question["objectives"]) <= set(objectives), question["id"]


@pytest.mark.parametrize("module_id", list(FOLDER))
def test_module_has_objectives_pages_and_a_mastery_score(module_id):
    """Each module has 2 to 4 objectives, at least three existing pages and a mastery score."""
    data = module(module_id)
    assert 2 <= len(data["objectives"]) <= 4
    assert len(data["pages"]) >= 3
    for name in data["pages"]:
        assert (COURSE / FOLDER[module_id] / name).is_file(), name
    check = knowledge_check(module_id)
    assert check.get("mastery_score", data.get("completion", {}).get("mastery_score")) is not None


@pytest.mark.parametrize("module_id", list(FOLDER))
def test_pages_teach_the_module_objectives(module_id):
    """Each page names objectives of its own module, and every objective is taught by some page."""
    folder = COURSE / FOLDER[module_id]
    own = {o["id"] for o in module(module_id)["objectives"]}
    taught = set()
    for name in module(module_id)["pages"]:
        front, _ = split_page(folder / name)
        assert front.get("objectives"), f"{name} names no objectives"
        assert set(front["objectives"]) <= own, name
        taught |= set(front["objectives"])
    assert taught == own


@pytest.mark.parametrize("module_id", list(FOLDER))
def test_module_has_a_scenario_and_varied_blocks(module_id):
    """Each module's pages mix text with callouts, tables and at least one scenario."""
    folder = COURSE / FOLDER[module_id]
    bodies = [split_page(folder / name)[1] for name in module(module_id)["pages"]]
    callouts = [c for body in bodies for c in blocks(body, "callout")]
    assert any(c.get("style") == "scenario" for c in callouts)
    assert any(blocks(body, "table") for body in bodies)


@pytest.mark.parametrize("module_id", list(FOLDER))
def test_knowledge_check_has_six_questions_of_three_types(module_id):
    """Each knowledge check has at least six questions of at least three types."""
    questions = knowledge_check(module_id)["questions"]
    assert len(questions) >= 6
    assert len({q["type"] for q in questions}) >= 3


def test_final_exam_covers_all_six_modules():
    """The final exam has at least 25 questions and assesses every objective of every module."""
    exam = final_exam()
    assert exam["kind"] == "final_exam"
    assert len(exam["questions"]) >= 25
    assert exam.get("mastery_score", course()["completion"].get("mastery_score")) is not None
    assessed = {o for q in exam["questions"] for o in q["objectives"]}
    assert set(all_objectives()) - assessed == set()


def test_course_uses_every_question_type():
    """The course uses all seven question types."""
    assert {q["type"] for q in all_questions()} == QUESTION_TYPES


def test_question_ids_are_unique():
    """No two questions in the course share an id."""
    counts = Counter(q["id"] for q in all_questions())
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_answer_has_teaching_feedback():
    """Every choice option has feedback, and every other question has feedback for right and wrong answers."""
    for question in all_questions():
        if question["type"] in CHOICE_TYPES:
            assert all(o.get("feedback", "").strip() for o in question["options"]), question["id"]
            correct = [o for o in question["options"] if o.get("correct")]
            assert len(correct) == 1 if question["type"] == "single_choice" else correct, question["id"]
        else:
            feedback = question.get("feedback", {})
            assert feedback.get("correct", "").strip(), question["id"]
            assert feedback.get("incorrect", "").strip(), question["id"]


def test_numeric_feedback_states_the_answer():
    """Every numeric question has a non-negative tolerance and an incorrect feedback that gives the answer."""
    for question in all_questions():
        if question["type"] == "numeric":
            assert question.get("tolerance", 0) >= 0
            answer = question["answer"]
            incorrect = question["feedback"]["incorrect"]
            assert str(answer) in incorrect or f"{answer:,}" in incorrect, question["id"]


def test_credentials_match_the_source():
    """The course prepares for the CMA (AAMA, recertify every 60 months), the CCMA (NHA) and the RMA (AMT)."""
    creds = {c["abbreviation"]: c for c in course()["credentials"]}
    assert set(creds) == {"CMA", "CCMA", "RMA"}
    assert "AAMA" in creds["CMA"]["awarding_body"] and creds["CMA"]["recertification_months"] == 60
    assert "NHA" in creds["CCMA"]["awarding_body"] and "recertification_months" not in creds["CCMA"]
    assert creds["RMA"]["awarding_body"] == "AMT" and "recertification_months" not in creds["RMA"]


def test_glossary_terms_are_defined_and_linked():
    """Every glossary link points to a defined term, and every term is linked from some page."""
    terms = {t["id"] for t in load_yaml(COURSE / course()["glossary"])["terms"]}
    pages = "\n".join(p.read_text(encoding="utf-8") for p in COURSE.glob("*/*.md"))
    linked = set(re.findall(r"\]\(glossary:([a-z0-9-]+)\)", pages))
    assert linked <= terms
    assert terms <= linked


def test_yaml_files_declare_their_schema():
    """Each YAML file starts with a yaml-language-server comment naming an existing schema."""
    for path in COURSE.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        assert (path.parent / match.group(1)).resolve().is_file(), path


SVGS = sorted(COURSE.rglob("*.svg"))
SVG_NS = "{http://www.w3.org/2000/svg}"


def test_course_has_an_original_diagram():
    """The course ships at least one SVG diagram, including the six-step pathway."""
    assert COURSE / "media" / "pathway.svg" in SVGS


@pytest.mark.parametrize("svg", SVGS, ids=[p.name for p in SVGS])
def test_svg_is_accessible(svg):
    """Each SVG is well-formed, scales by its viewBox, and has role="img", a title and a description."""
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "img"
    assert len(root.get("viewBox", "").split()) == 4
    title, desc = root.find(f"{SVG_NS}title"), root.find(f"{SVG_NS}desc")
    assert title is not None and (title.text or "").strip()
    assert desc is not None and (desc.text or "").strip()
    assert set((root.get("aria-labelledby") or "").split()) == {title.get("id"), desc.get("id")}


@pytest.mark.parametrize("svg", SVGS, ids=[p.name for p in SVGS])
def test_svg_is_used_with_alt_text(svg):
    """Each SVG is shown on at least one page by a figure or image block with alternative text."""
    uses = []
    for page in COURSE.glob("*/*.md"):
        _, body = split_page(page)
        for block in blocks(body, "figure") + blocks(body, "image"):
            if (page.parent / block["src"]).resolve() == svg.resolve():
                uses.append(block)
    assert uses
    assert all(block.get("alt", "").strip() for block in uses)


@pytest.fixture(scope="module")
def rendered_screens(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The flagship course built as a static site: the rendered text of each module's screens."""
    from lxml import html

    from cmacourse import load_course
    from cmacourse.exporters import export

    course = load_course(COURSE)
    site = export(course, "html", tmp_path_factory.mktemp("site"))
    tree = html.parse(str(site / "index.html"))
    for hidden in tree.xpath("//script|//style"):
        hidden.getparent().remove(hidden)
    screens = {section.get("data-screen"): section.text_content() for section in tree.xpath("//section[@data-screen]")}
    texts = {}
    for module in course.modules:
        ids = [p.id for p in module.pages] + [a.id for a in module.assessments]
        assert all(screen in screens for screen in ids), f"{module.id}: a page or check has no screen"
        texts[module.id] = normalise(" ".join(screens[screen] for screen in ids))
    return texts


@pytest.mark.parametrize(("fact", "module_id"), FACTS)
def test_fact_is_in_the_rendered_module(fact: str, module_id: str, rendered_screens: dict[str, str]) -> None:
    """Each source fact survives rendering: it is verbatim in the text learners see in its module's launch."""
    assert normalise(fact) in rendered_screens[module_id]


# ------------------------------------------------------------------ what a careful reviewer checks

#: The verbs an objective may start with: each names something a question can observe.
MEASURABLE_VERBS = {"Identify", "Recognize", "State", "Compare", "Select", "Choose", "Distinguish", "Place", "Calculate",
                    "Sequence", "Given"}
#: Facts a page must state, each with the words a question's correct answer must contain to assess it.
PAGE_FACTS = [
    ("02-program/finding-a-program.md", "CMAs usually complete a one to two-year program.", "one to two-year program"),
    ("03-externship/hands-on-training.md", "Many programs include an externship or practical clinical experience.",
     "many medical assisting programs include an externship or practical clinical experience"),
]


def page_text(relative: str) -> str:
    """A page's Markdown body, whitespace normalised."""
    return normalise(split_page(COURSE / relative)[1])


def correct_text(question: dict[str, Any]) -> str:
    """What a learner must give to be right: the correct options, the statement of a true item, or the answers."""
    if question["type"] in CHOICE_TYPES:
        return normalise(" ".join(o["text"] for o in question["options"] if o.get("correct")))
    if question["type"] == "true_false" and question["answer"]:
        return normalise(question["prompt"])
    return normalise(" ".join(str(a) for a in question.get("answers", [question.get("answer", "")])))


def course_sentences() -> list[str]:
    """Every sentence of every page, glossary entry, course and module file and question, whitespace normalised."""
    files = [p for p in COURSE.rglob("*") if p.suffix in (".md", ".yaml")]
    text = normalise("\n".join(p.read_text(encoding="utf-8") for p in files))
    return re.split(r"(?<=[.?!])\s+", text)


@pytest.mark.parametrize(("page", "fact", "answer"), PAGE_FACTS, ids=[p for p, _, _ in PAGE_FACTS])
def test_page_fact_is_taught_and_assessed(page: str, fact: str, answer: str) -> None:
    """The page states the fact, and some question is answered right only by knowing it."""
    assert normalise(fact) in page_text(page)
    assert any(answer in correct_text(q).lower() for q in all_questions())


def test_program_length_is_assessed_on_its_own() -> None:
    """A Step 2 question has the one to two-year program as its only correct option, with the CNA's length as a distractor."""
    question = next(q for q in knowledge_check(M2)["questions"] if q["id"] == "s2-program-length")
    assert correct_text(question) == "A one to two-year program"
    assert "A few weeks to months" in [o["text"] for o in question["options"] if not o.get("correct")]


def test_objectives_start_with_a_measurable_verb() -> None:
    """No objective asks learners to "describe", "explain" or "understand", which a choice question cannot observe."""
    for _, module_id, _ in STEPS:
        for objective in module(module_id)["objectives"]:
            assert objective["text"].split()[0].rstrip(",") in MEASURABLE_VERBS, objective["id"]


def test_no_referral_rule_the_source_does_not_give() -> None:
    """The source says only that CMAs act as a link; the course prescribes no hand-off to "the doctor or nurse"."""
    for sentence in course_sentences():
        assert "doctor or nurse" not in sentence and "pass the question" not in sentence.lower(), sentence


def test_bls_is_named_only_for_the_outlook_figures() -> None:
    """The source attributes growth and openings to the BLS, not its pay figures: no sentence joins the BLS with pay."""
    for sentence in course_sentences():
        if "BLS" in sentence or "Bureau of Labor Statistics" in sentence:
            attributes_pay = re.search(r"\$\d|salary|earn", sentence) and "not attribute" not in sentence
            assert not attributes_pay, sentence


def test_step_2_summary_counts_the_careers_it_compares() -> None:
    """The summary's number of careers is the number the compare objective names."""
    data = module(M2)
    compared = next(o for o in data["objectives"] if o["id"] == "compare-healthcare-careers")["text"]
    careers = re.search(r"with the (.*) on education", compared).group(1).replace(" and ", ", ").split(", ")
    assert len(careers) == 6 and "six other healthcare careers" in data["summary"]


def test_course_assumptions_are_marked_as_such() -> None:
    """The recertification-date convention is called the course's own; no unstated claim about Theresa or Mei is made."""
    recert = page_text("06-recertification/your-recertification-date.md")
    assert "This course assumes that the 60 months run from the month you were certified" in recert
    assert "not a rule from the source" in recert
    text = normalise(" ".join(path.read_text(encoding="utf-8") for path in COURSE.rglob("*.*") if path.suffix in (".md", ".yaml")))
    assert "credential comes from the AMT" not in text and "summers off" not in text


def test_correct_options_are_spread_over_the_positions() -> None:
    """Single-choice keys sit in every position about equally; no multiple-response question lists its keys first."""
    positions = Counter()
    singles = [q for q in all_questions() if q["type"] == "single_choice"]
    for question in singles:
        positions[next(i for i, o in enumerate(question["options"]) if o.get("correct"))] += 1
    for position in range(3):
        assert positions[position] >= len(singles) / 4, positions
    for question in all_questions():
        if question["type"] == "multiple_response":
            flags = [bool(o.get("correct")) for o in question["options"]]
            assert flags != sorted(flags, reverse=True), question["id"]


NUMBER_WORDS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve"]


def test_introductions_state_the_number_of_questions() -> None:
    """Each knowledge check's introduction and the final exam's give the number of questions they really hold."""
    for _, module_id, _ in STEPS:
        check = knowledge_check(module_id)
        assert check["introduction"].startswith(f"{NUMBER_WORDS[len(check['questions'])]} questions "), module_id
    exam = final_exam()
    assert f"It has {len(exam['questions'])} questions" in normalise(exam["introduction"])


def test_the_key_is_rarely_the_clearly_longest_option() -> None:
    """A test-wise learner cannot pick the longest option: in at most one single-choice question in five is the
    correct option more than a quarter longer than every other."""
    singles = [q for q in all_questions() if q["type"] == "single_choice"]
    cued = []
    for question in singles:
        key = next(len(o["text"]) for o in question["options"] if o.get("correct"))
        others = [len(o["text"]) for o in question["options"] if not o.get("correct")]
        if key > 1.25 * max(others):
            cued.append(question["id"])
    assert len(cued) <= len(singles) / 5, cued
