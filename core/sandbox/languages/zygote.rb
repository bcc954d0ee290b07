# The Ruby zygote (see SandboxJob.zygote), run as `ruby -e`, made non-dumpable so no program can ptrace it: loads
# test/unit once (MultiPL-E's Ruby tests all require it, and loading it is most of a Ruby start-up), then forks a
# fresh child per program. The child closes the control channel, sets its own session and rlimits and `load`s the
# program; test/unit's at_exit hook, inherited from the zygote, runs the program's tests when the child exits, as in
# a fresh `ruby main.rb`.
# Protocol on fd 0 (a socket): in, "cpu_s fsize nofile nproc as_bytes main" lines; out, "ready", "pid N",
# "exit CODE|- SIGNO|- CPU_MS".
require 'test/unit'
require 'fiddle'
# Not dumpable: a program (same uid) must not ptrace the zygote or read its memory. Without prctl, no zygote.
prctl = Fiddle::Function.new(Fiddle.dlopen(nil)['prctl'], [Fiddle::TYPE_INT, Fiddle::TYPE_LONG, Fiddle::TYPE_LONG, Fiddle::TYPE_LONG, Fiddle::TYPE_LONG], Fiddle::TYPE_INT)
exit!(1) unless prctl.call(4, 0, 0, 0, 0) == 0
ctl = IO.for_fd(0, 'r+')
ctl.sync = true
ctl.write("ready\n")
while (line = ctl.gets)
  cpu, fsize, nofile, nproc, as, main = line.chomp.split(' ', 6)
  before = Process.times
  pid = fork do
    ctl.close
    prctl.call(4, 1, 0, 0, 0)
    $stdin.reopen('/dev/null')
    Process.setsid
    Process.setrlimit(:CPU, cpu.to_i, cpu.to_i + 1)
    Process.setrlimit(:FSIZE, fsize.to_i)
    Process.setrlimit(:NOFILE, nofile.to_i)
    Process.setrlimit(:NPROC, nproc.to_i)
    Process.setrlimit(:CORE, 0)
    Process.setrlimit(:AS, as.to_i) if as.to_i > 0
    Dir.chdir('/tmp')
    $0 = main
    load main
  end
  ctl.write("pid #{pid}\n")
  _, status = Process.wait2(pid)
  after = Process.times
  ms = ((after.cutime + after.cstime) - (before.cutime + before.cstime)) * 1000
  ctl.write("exit #{status.exited? ? status.exitstatus : '-'} #{status.signaled? ? status.termsig : '-'} #{ms.round(1)}\n")
end
exit!(0)
