<?php
// Import a Moodle XML question file into a new question bank of a course, as the bank's Import page
// does (qformat_xml, categories and contexts taken from the file, stop on error). Prints every
// question Moodle now holds in that bank: its type, name, ID number, category path, mark and answers.
//
//   php bank_import.php --file=XML --course=SHORTNAME

require(__DIR__ . '/bootstrap.php');
require_once($CFG->dirroot . '/question/editlib.php');
require_once($CFG->dirroot . '/question/format.php');
require_once($CFG->dirroot . '/question/format/xml/format.php');

use core_question\local\bank\question_bank_helper;
use core_question\local\bank\question_edit_contexts;

$options = lms_options(['file' => null, 'course' => null]);
lms_as_admin();
$course = lms_course($options['course']);
$bank = question_bank_helper::create_default_open_instance($course, 'Imported questions');
$context = context_module::instance($bank->id);
$contexts = new question_edit_contexts($context);

$format = new qformat_xml();
$format->setCategory(question_get_default_category($context->id, true));
$format->setContexts($contexts->having_one_edit_tab_cap('import'));
$format->setCourse($course);
$format->setFilename($options['file']);
$format->setRealfilename(basename($options['file']));
$format->setMatchgrades('error');
$format->setCatfromfile(true);
$format->setContextfromfile(true);
$format->setStoponerror(true);

[$imported, $page] = lms_capture(fn() => $format->importpreprocess() && $format->importprocess()
    && $format->importpostprocess());
if (!$imported) {
    lms_finish(['rejected' => trim(html_to_text($page, 0, false))]);
}

$paths = [];
foreach ($DB->get_records('question_categories', ['contextid' => $context->id], 'id') as $category) {
    $paths[$category->id] = $category->parent && isset($paths[$category->parent])
        ? $paths[$category->parent] . '/' . $category->name : $category->name;
}
$questions = [];
$rows = $DB->get_records_sql("
        SELECT q.*, qbe.questioncategoryid, qbe.idnumber
          FROM {question} q
          JOIN {question_versions} qv ON qv.questionid = q.id
          JOIN {question_bank_entries} qbe ON qbe.id = qv.questionbankentryid
          JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
         WHERE qc.contextid = ? AND q.parent = 0
      ORDER BY q.id", [$context->id]);
foreach ($rows as $row) {
    $questions[] = ['qtype' => $row->qtype, 'name' => $row->name, 'idnumber' => $row->idnumber,
        'category' => $paths[$row->questioncategoryid], 'defaultmark' => (float) $row->defaultmark,
        'answers' => array_values(array_map(fn($a) => ['answer' => $a->answer, 'fraction' => (float) $a->fraction],
            $DB->get_records('question_answers', ['question' => $row->id], 'id')))];
}
lms_finish(['categories' => array_values($paths), 'questions' => $questions]);
