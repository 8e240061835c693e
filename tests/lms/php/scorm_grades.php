<?php
// What Moodle recorded for learners of a SCORM activity: the gradebook's grade (as the gradebook
// computes and shows it), and per attempt the tracked values of each SCO.
//
//   php scorm_grades.php --scormid=ID --userids=1,2

require(__DIR__ . '/bootstrap.php');
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->dirroot . '/mod/scorm/locallib.php');

$options = lms_options(['scormid' => null, 'userids' => null]);
lms_as_admin();
$scorm = $DB->get_record('scorm', ['id' => $options['scormid']], '*', MUST_EXIST);
$userids = array_map('intval', explode(',', $options['userids']));
$grading = grade_get_grades($scorm->course, 'mod', 'scorm', $scorm->id, $userids);
$item = reset($grading->items);

$learners = [];
foreach ($userids as $userid) {
    $grade = $item->grades[$userid];
    $attempts = [];
    foreach (scorm_get_all_attempts($scorm->id, $userid) as $attempt) {
        $scoes = [];
        foreach ($DB->get_records('scorm_scoes', ['scorm' => $scorm->id, 'scormtype' => 'sco'], 'sortorder') as $sco) {
            if ($tracks = scorm_get_tracks($sco->id, $userid, $attempt)) {
                $scoes[$sco->identifier] = array_filter((array) $tracks, fn($v) => is_scalar($v));
            }
        }
        $attempts[$attempt] = $scoes;
    }
    $learners[$userid] = ['grade' => $grade->grade === null ? null : (float) $grade->grade,
        'shown' => $grade->str_grade, 'attempts' => $attempts];
}
lms_finish(['grademax' => (float) $item->grademax, 'gradepass' => (float) $item->gradepass, 'learners' => $learners]);
