<?php
// Misbehave on purpose, so that tests/lms/test_harness.py can show the harness catches each kind.
//
//   php selfcheck.php --emit=nothing|warning|deprecation|debugging|die

require(__DIR__ . '/bootstrap.php');

$options = lms_options(['emit' => null]);
switch ($options['emit']) {
    case 'warning':
        $missing = [];
        $value = $missing['key'];
        break;
    case 'deprecation':
        strlen(null);
        break;
    case 'debugging':
        debugging('a developer message', DEBUG_DEVELOPER);
        break;
    case 'die':
        die('stopped');
}
lms_finish(['release' => $CFG->release]);
