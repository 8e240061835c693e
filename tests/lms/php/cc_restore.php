<?php
// Restore a Common Cartridge into a new course as Moodle's restore does: unpacked into a backup
// temp folder, converted by the imscc11 converter (run with backup/ as the working directory, as it
// needs), then restored. Prints the course Moodle made: its sections with their modules in order, and
// each quiz's grades and questions with their answers.
//
//   php cc_restore.php --file=CARTRIDGE --course=SHORTNAME

require(__DIR__ . '/bootstrap.php');
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');
require_once($CFG->dirroot . '/course/lib.php');

$options = lms_options(['file' => null, 'course' => null]);
lms_as_admin();

$folder = restore_controller::get_tempdir_name(SITEID, $USER->id);
$path = make_backup_temp_directory($folder);
if (!get_file_packer('application/vnd.moodle.backup')->extract_to_pathname($options['file'], $path)) {
    lms_finish(['rejected' => 'the file is not an archive']);
}
$courseid = restore_dbops::create_new_course($options['course'], $options['course'],
    \core_course_category::get_default()->id);

// The restore's log goes to PHP's error log at debug level on a developer site: keep its warnings only.
$CFG->backup_error_log_logger_level = backup::LOG_WARNING;
[$precheck] = lms_capture(function () use ($folder, $courseid) {
    chdir($GLOBALS['CFG']->dirroot . '/backup');
    $controller = new restore_controller($folder, $courseid, backup::INTERACTIVE_NO, backup::MODE_GENERAL,
        get_admin()->id, backup::TARGET_NEW_COURSE);
    $format = $controller->get_format();
    if ($controller->get_status() == backup::STATUS_REQUIRE_CONV) {
        $controller->convert();
    }
    $precheck = $controller->execute_precheck() ? [] : $controller->get_precheck_results();
    if (empty($precheck['errors'])) {
        $controller->execute_plan();
    }
    $controller->destroy();
    return ['format' => $format] + $precheck;
});
if (!empty($precheck['errors'])) {
    lms_finish(['rejected' => $precheck['errors']]);
}

$course = get_course($courseid);
$modinfo = get_fast_modinfo($course);
$format = course_get_format($course);
$sections = [];
foreach ($modinfo->get_section_info_all() as $section) {
    $modules = [];
    foreach ($modinfo->sections[$section->section] ?? [] as $cmid) {
        $cm = $modinfo->get_cm($cmid);
        $module = ['modname' => $cm->modname, 'name' => $cm->name];
        if ($cm->modname === 'quiz') {
            $module['quiz'] = lms_quiz($cm);
        }
        $modules[] = $module;
    }
    $sections[] = ['number' => (int) $section->section, 'name' => $section->name,
        'shown_as' => $format->get_section_name($section), 'summary' => $section->summary, 'modules' => $modules];
}
lms_finish(['format' => $precheck['format'], 'warnings' => $precheck['warnings'] ?? [],
    'courseid' => (int) $courseid, 'sections' => $sections]);

/** A restored quiz: its grades, and each slot's mark and question with the answers' fractions. */
function lms_quiz(cm_info $cm): array {
    global $DB;
    $quiz = $DB->get_record('quiz', ['id' => $cm->instance], '*', MUST_EXIST);
    $slots = [];
    foreach (\mod_quiz\question\bank\qbank_helper::get_question_structure($quiz->id, $cm->context) as $slot) {
        $question = $DB->get_record('question', ['id' => $slot->questionid], '*', MUST_EXIST);
        $answers = $DB->get_records('question_answers', ['question' => $question->id], 'id');
        $slots[] = ['slot' => (int) $slot->slot, 'maxmark' => (float) $slot->maxmark, 'qtype' => $question->qtype,
            'name' => $question->name, 'defaultmark' => (float) $question->defaultmark,
            'questiontext' => $question->questiontext,
            'answers' => array_values(array_map(fn($a) => ['answer' => $a->answer, 'fraction' => (float) $a->fraction],
                $answers))];
    }
    return ['sumgrades' => (float) $quiz->sumgrades, 'grade' => (float) $quiz->grade, 'slots' => $slots];
}
