<?php
// The PHP zygote (see SandboxJob.zygote and zygote.rb): a php-cli, made non-dumpable (FFI prctl) so no program can
// ptrace it, that forks (pcntl) a fresh child per program. The child closes the control socket (fd 0, both the
// STDIN stream and our dup of it), sets its session and rlimits (posix), and the program is then `include`d at
// global scope, as `php main.php` would run it. All of the zygote's own code lives in one closure, so it leaves no
// function, class or global variable behind. php.ts runs it as `php -r` (without this file's opening tag).
include (function () {
    $ctl = fopen('php://fd/0', 'r+');
    // Without pcntl, posix and FFI there is no zygote: not saying "ready" makes the sandbox exec php per program.
    if (!function_exists('pcntl_fork') || !function_exists('posix_setrlimit') || !class_exists('FFI')) exit(1);
    // Not dumpable: a program (same uid) must not ptrace the zygote or read its memory.
    $libc = FFI::cdef('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);', 'libc.so.6');
    if ($libc->prctl(4, 0, 0, 0, 0) !== 0) exit(1);
    fwrite($ctl, "ready\n");
    while (($line = fgets($ctl)) !== false) {
        [$cpu, $fsize, $nofile, $nproc, $as, $main] = explode(' ', rtrim($line, "\n"), 6);
        $before = getrusage(1);
        $pid = pcntl_fork();
        if ($pid === 0) {
            fclose($ctl);
            $libc->prctl(4, 1, 0, 0, 0);
            fclose(STDIN);
            fopen('/dev/null', 'r');
            posix_setsid();
            posix_setrlimit(POSIX_RLIMIT_CPU, (int) $cpu, (int) $cpu + 1);
            posix_setrlimit(POSIX_RLIMIT_FSIZE, (int) $fsize, (int) $fsize);
            posix_setrlimit(POSIX_RLIMIT_NOFILE, (int) $nofile, (int) $nofile);
            posix_setrlimit(POSIX_RLIMIT_NPROC, (int) $nproc, (int) $nproc);
            posix_setrlimit(POSIX_RLIMIT_CORE, 0, 0);
            if ((int) $as > 0) posix_setrlimit(POSIX_RLIMIT_AS, (int) $as, (int) $as);
            chdir('/tmp');
            $_SERVER['argv'] = [$main];
            $_SERVER['SCRIPT_FILENAME'] = $main;
            return $main;
        }
        fwrite($ctl, "pid $pid\n");
        pcntl_waitpid($pid, $status);
        $after = getrusage(1);
        $ms = 0;
        foreach (['ru_utime', 'ru_stime'] as $k) {
            $ms += ($after["$k.tv_sec"] - $before["$k.tv_sec"]) * 1000 + ($after["$k.tv_usec"] - $before["$k.tv_usec"]) / 1000;
        }
        $code = pcntl_wifexited($status) ? pcntl_wexitstatus($status) : '-';
        $sig = pcntl_wifsignaled($status) ? pcntl_wtermsig($status) : '-';
        fwrite($ctl, "exit $code $sig $ms\n");
    }
    exit(0);
})();
