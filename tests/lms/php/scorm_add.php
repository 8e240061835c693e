<?php
// Add a SCORM package to a course as a teacher's upload does: the file lands in the user's draft
// area, the activity form's package validation runs, then Moodle creates the activity (which parses
// the manifest). Prints what Moodle stored: the activity, its SCOs with their data, and for SCORM 2004
// the objectives and sequencing rule conditions of each SCO.
//
//   php scorm_add.php --package=FILE --course=SHORTNAME --name=TITLE

require(__DIR__ . '/bootstrap.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/mod/scorm/lib.php');
require_once($CFG->dirroot . '/mod/scorm/locallib.php');

$options = lms_options(['package' => null, 'course' => null, 'name' => null]);
lms_as_admin();
$course = lms_course($options['course']);

$draftitemid = file_get_unused_draft_itemid();
$fs = get_file_storage();
$file = $fs->create_file_from_pathname(['component' => 'user', 'filearea' => 'draft',
    'contextid' => context_user::instance($USER->id)->id, 'itemid' => $draftitemid,
    'filepath' => '/', 'filename' => basename($options['package'])], $options['package']);

// The activity form's validation of an uploaded package (mod/scorm/mod_form.php).
$errors = scorm_validate_package($file);
if ($errors) {
    lms_finish(['rejected' => array_map('strval', $errors)]);
}

$defaults = get_config('scorm');
$cm = create_module((object) [
    'modulename' => 'scorm', 'course' => $course->id, 'section' => 1, 'visible' => 1,
    'name' => $options['name'], 'cmidnumber' => '', 'introeditor' => ['text' => '', 'format' => FORMAT_HTML, 'itemid' => 0],
    'scormtype' => SCORM_TYPE_LOCAL, 'packagefile' => $draftitemid, 'packageurl' => '',
    'updatefreq' => SCORM_UPDATE_NEVER, 'popup' => 0, 'width' => $defaults->framewidth,
    'height' => $defaults->frameheight, 'skipview' => $defaults->skipview, 'hidebrowse' => $defaults->hidebrowse,
    'displaycoursestructure' => $defaults->displaycoursestructure, 'hidetoc' => $defaults->hidetoc,
    'nav' => $defaults->nav, 'navpositionleft' => $defaults->navpositionleft,
    'navpositiontop' => $defaults->navpositiontop, 'displayattemptstatus' => $defaults->displayattemptstatus,
    'timeopen' => 0, 'timeclose' => 0, 'grademethod' => $defaults->grademethod, 'maxgrade' => $defaults->maxgrade,
    'maxattempt' => $defaults->maxattempt, 'whatgrade' => $defaults->whatgrade,
    'forcenewattempt' => $defaults->forcenewattempt, 'lastattemptlock' => $defaults->lastattemptlock,
    'forcecompleted' => $defaults->forcecompleted, 'masteryoverride' => $defaults->masteryoverride,
    'auto' => $defaults->auto, 'completionstatusrequired' => null, 'completionscorerequired' => null,
]);

$scorm = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);
$scoes = [];
foreach ($DB->get_records('scorm_scoes', ['scorm' => $scorm->id], 'sortorder, id') as $sco) {
    $scoes[] = [
        'identifier' => $sco->identifier, 'parent' => $sco->parent, 'organization' => $sco->organization,
        'title' => $sco->title, 'launch' => $sco->launch, 'scormtype' => $sco->scormtype,
        'data' => $DB->get_records_menu('scorm_scoes_data', ['scoid' => $sco->id], 'name', 'name, value'),
        'objectives' => array_values(array_map(fn($o) => ['objectiveid' => $o->objectiveid,
            'primary' => (bool) $o->primaryobj, 'satisfiedbymeasure' => (bool) $o->satisfiedbymeasure,
            'minnormalizedmeasure' => (float) $o->minnormalizedmeasure],
            $DB->get_records('scorm_seq_objective', ['scoid' => $sco->id], 'id'))),
        'rules' => array_values(array_map(fn($r) => ['ruletype' => (int) $r->ruletype, 'action' => $r->action,
            'conditions' => array_values(array_map(fn($c) => ['objective' => $c->refrencedobjective,
                'condition' => $c->cond, 'operator' => $c->operator],
                $DB->get_records('scorm_seq_rulecond', ['ruleconditionsid' => $r->id], 'id')))],
            $DB->get_records('scorm_seq_ruleconds', ['scoid' => $sco->id], 'id'))),
    ];
}
lms_finish([
    'cmid' => (int) $cm->coursemodule, 'courseid' => (int) $course->id, 'scormid' => (int) $scorm->id,
    'version' => $scorm->version, 'launch' => (int) $scorm->launch, 'maxgrade' => (float) $scorm->maxgrade,
    'grademethod' => (int) $scorm->grademethod, 'scoes' => $scoes,
]);
