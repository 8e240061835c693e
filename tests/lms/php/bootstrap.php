<?php
// The frame of every script in this folder: Moodle booted as a CLI script, every PHP error and
// Moodle debugging message collected, and the answer printed as one JSON line for tests/lms/moodle.py.
//
// Anything else a script prints, and a script that stops before lms_finish() (Moodle's SCORM parser
// calls die() on a malformed manifest and the process still exits 0), is a failure on the Python side.

define('CLI_SCRIPT', true);
define('LMS_RESULT_MARKER', 'CMACOURSE-MOODLE-RESULT ');

$moodleroot = getenv('CMACOURSE_MOODLE_ROOT');
if (!$moodleroot || !is_file($moodleroot . '/config.php')) {
    fwrite(STDERR, "CMACOURSE_MOODLE_ROOT does not name a configured Moodle: run scripts/setup-moodle.sh\n");
    exit(2);
}
require($moodleroot . '/config.php');
require_once($CFG->libdir . '/clilib.php');

/** @var string[] PHP warnings, notices and deprecations, and Moodle debugging messages, as they came. */
$LMS_PROBLEMS = [];

set_error_handler(function (int $errno, string $message, string $file, int $line): bool {
    global $LMS_PROBLEMS;
    if (!(error_reporting() & $errno)) {
        return false; // Silenced with @ on purpose by Moodle's own code.
    }
    $LMS_PROBLEMS[] = "PHP error $errno: $message in $file:$line";
    return true;
});

/**
 * Run $work with its output captured, and return [its result, that output]: Moodle's importers and
 * restores report progress on the page ("++ message ++" notifications in a CLI script). A debugging
 * message there (the same form, followed by its backtrace) is kept as a problem.
 */
function lms_capture(callable $work): array {
    global $LMS_PROBLEMS;
    ob_start();
    try {
        $result = $work();
    } finally {
        $output = ob_get_clean();
        if (preg_match_all('/^\+\+ (.*) \+\+\n\* line /m', $output, $found)) {
            foreach ($found[1] as $message) {
                $LMS_PROBLEMS[] = "Moodle debugging: $message";
            }
        }
    }
    return [$result, $output];
}

/** The command line's --name=value options, each required unless it has a default. */
function lms_options(array $defaults): array {
    $names = array_fill_keys(array_keys($defaults), null);
    [$options, $unknown] = cli_get_params($names, []);
    if ($unknown) {
        throw new coding_exception('unknown options: ' . implode(' ', array_keys($unknown)));
    }
    foreach ($defaults as $name => $default) {
        if ($options[$name] === null || $options[$name] === false) {
            if ($default === null) {
                throw new coding_exception("--$name is required");
            }
            $options[$name] = $default;
        }
    }
    return $options;
}

/** Act as the site's administrator, as a teacher uploading through the web would act as themselves. */
function lms_as_admin(): void {
    \core\session\manager::set_user(get_admin());
}

/** Print the answer and the problems seen, then end the script. */
function lms_finish(array $result): void {
    global $LMS_PROBLEMS;
    echo LMS_RESULT_MARKER, json_encode(['result' => $result, 'problems' => $LMS_PROBLEMS],
        JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR), "\n";
    exit(0);
}

/** A course to put activities in, created once per short name. */
function lms_course(string $shortname): stdClass {
    global $DB, $CFG;
    require_once($CFG->dirroot . '/course/lib.php');
    if ($course = $DB->get_record('course', ['shortname' => $shortname])) {
        return $course;
    }
    return create_course((object) ['fullname' => $shortname, 'shortname' => $shortname,
        'category' => \core_course_category::get_default()->id, 'format' => 'topics', 'numsections' => 1]);
}
