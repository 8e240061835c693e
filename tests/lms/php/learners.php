<?php
// Create learner accounts and enrol them as students in a course (manual enrolment, as a teacher
// enrols them). Prints each username with its user id.
//
//   php learners.php --course=SHORTNAME --usernames=a,b,c --password=SECRET

require(__DIR__ . '/bootstrap.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/enrol/locallib.php');

$options = lms_options(['course' => null, 'usernames' => null, 'password' => null]);
lms_as_admin();
$course = lms_course($options['course']);
$manual = enrol_get_plugin('manual');
$instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
$student = $DB->get_field('role', 'id', ['shortname' => 'student'], MUST_EXIST);

$ids = [];
foreach (explode(',', $options['usernames']) as $username) {
    $userid = user_create_user((object) ['username' => $username, 'password' => $options['password'],
        'firstname' => ucfirst($username), 'lastname' => 'Learner', 'email' => "$username@example.com",
        'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id]);
    $manual->enrol_user($instance, $userid, $student);
    $ids[$username] = (int) $userid;
}
lms_finish(['users' => $ids]);
