# The supervisor that lives inside a warm sandbox (one per pool worker), run as `python3 -I -c <this file>`. It reads
# one job per line on stdin and answers one line on stdout. Per job it wipes the temp dir, writes the job's files,
# forks a child that sets its own rlimits and execs the command (or, for Python, runs the file in the fork itself:
# the fork server), captures stdout/stderr up to the caps while streaming, and afterwards kills every other process
# in the sandbox's pid namespace with kill(-1): a setsid() escapee or a fork bomb dies with the candidate, and
# nothing survives into the next job. It runs as the same unprivileged uid as the candidate, so a candidate can kill
# it: the host then throws the sandbox away (RawOutcome.supervisorLost).
import atexit, base64, builtins, json, os, random, resource, select, signal, sys, time, traceback, types

# Imported once here so inline Python candidates start warm.
for _module in ('collections', 'copy', 'decimal', 'fractions', 'functools', 'hashlib', 'heapq', 'bisect', 'itertools',
                'math', 'operator', 're', 'statistics', 'string', 'typing', 'unittest', 'datetime'):
    __import__(_module)

WORK = '/tmp'
PROTO_IN = sys.stdin.buffer
PROTO_OUT = sys.stdout.buffer
PREFIX = os.getpid()

try:
    import ctypes
    _libc = ctypes.CDLL(None, use_errno=True)
    _libc.prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER: orphans come back to us to be reaped
    # PR_SET_DUMPABLE 0: a program (same uid) can't ptrace us, read our memory or open our fds.
    if _libc.prctl(4, 0, 0, 0, 0) != 0:
        raise OSError('prctl failed')
except Exception as e:
    # Unprotected, a program could tamper with the programs after it: refuse to be a warm sandbox.
    sys.stderr.write('supervisor: cannot make itself non-dumpable (%s)\n' % e)
    sys.exit(3)


def wipe():
    for name in os.listdir(WORK):
        path = os.path.join(WORK, name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                for root, dirs, files in os.walk(path, topdown=False):
                    for f in files:
                        os.unlink(os.path.join(root, f))
                    for d in dirs:
                        p = os.path.join(root, d)
                        if os.path.islink(p):
                            os.unlink(p)
                        else:
                            os.rmdir(p)
                os.rmdir(path)
            else:
                os.unlink(path)
        except OSError:
            try:
                os.chmod(path, 0o700)
            except OSError:
                pass


def kill_all(main_pid):
    # kill(-1) reaches every process of ours in this pid namespace except us and its init: the whole candidate
    # tree, setsid() escapees included. Zombies still count as signalled, so reap between rounds.
    main = None
    for _ in range(2000):
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            break
        main = reap(main_pid) or main
        time.sleep(0.0005)
    return reap(main_pid) or main


def reap(main_pid):
    # Returns (status, rusage) if the job's main process was among the reaped.
    found = None
    while True:
        try:
            pid, status, rusage = os.wait3(os.WNOHANG)
        except ChildProcessError:
            return found
        if pid == 0:
            return found
        if pid == main_pid:
            found = (status, rusage)


PAGE = os.sysconf('SC_PAGE_SIZE')
WATCH_S = 0.1


def memory_cap(job):
    # RLIMIT_AS caps each process; this caps the whole program tree (a fork bomb of big processes) by its resident
    # memory, checked every WATCH_S while a job runs. Runtime-capped languages get their address-space figure.
    lim = job['limits']
    return (job['addressSpaceBytes'] if job['addressSpaceLimit'] else lim['memoryBytes']) + 256 * 1024 * 1024


def other_pids(keep):
    # Every process in the namespace but init, the supervisor and the ones it keeps (zygotes).
    me = os.getpid()
    for name in os.listdir('/proc'):
        if name.isdigit() and int(name) not in (1, me) and int(name) not in keep:
            yield int(name)


def resident(keep):
    # Proportional set size: pages a forked child still shares with its parent count once, not once per process.
    # A process whose smaps we may not read (not dumpable) counts its whole resident size.
    total = 0
    for pid in other_pids(keep):
        try:
            with open('/proc/%d/smaps_rollup' % pid) as fh:
                for line in fh:
                    if line.startswith('Pss:'):
                        total += int(line.split()[1]) * 1024
                        break
            continue
        except (OSError, ValueError, IndexError):
            pass
        try:
            with open('/proc/%d/statm' % pid) as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            pass
    return total


def remove_sysv_ipc():
    # The sandbox's IPC namespace outlives a job: remove the shared memory, queues and semaphores it left.
    for kind, call in (('shm', 'shmctl'), ('msg', 'msgctl'), ('sem', 'semctl')):
        try:
            with open('/proc/sysvipc/' + kind) as fh:
                ids = [int(line.split()[1]) for line in fh.readlines()[1:] if line.strip()]
        except (OSError, ValueError, IndexError):
            continue
        remove = getattr(_libc, call)
        for ipc_id in ids:
            # IPC_RMID is 0; semctl takes a semaphore number before it.
            if kind == 'sem':
                remove(ipc_id, 0, 0)
            else:
                remove(ipc_id, 0, None)


def write_files(files):
    for f in files:
        path = os.path.join(WORK, f['path'])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = base64.b64decode(f['b64'])
        with open(path, 'wb') as fh:
            fh.write(data)
        os.chmod(path, 0o755 if f.get('executable') else 0o644)


def set_limits(lim, address_space, address_bytes):
    cpu = int(lim['timeoutMs'] / 1000) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (lim['fileSizeBytes'], lim['fileSizeBytes']))
    resource.setrlimit(resource.RLIMIT_NOFILE, (lim['openFiles'], lim['openFiles']))
    resource.setrlimit(resource.RLIMIT_NPROC, (lim['processes'], lim['processes']))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if address_space:
        resource.setrlimit(resource.RLIMIT_AS, (address_bytes, address_bytes))


def set_dumpable(flag):
    try:
        _libc.prctl(4, flag, 0, 0, 0)
    except Exception:
        pass


def run_inline(path):
    # The same observable start as "python3 path": a fresh __main__, argv, sys.path[0], fresh std streams, new seed.
    main = types.ModuleType('__main__')
    main.__file__ = path
    main.__builtins__ = builtins
    sys.modules['__main__'] = main
    sys.argv = [os.path.relpath(path, WORK)]
    sys.path.insert(0, os.path.dirname(path))
    sys.stdin = open(os.devnull, 'r')
    sys.stdout = open(1, 'w', encoding='utf-8', closefd=False)
    sys.stderr = open(2, 'w', encoding='utf-8', errors='backslashreplace', buffering=1, closefd=False)
    random.seed()
    code = 0
    try:
        with open(path, 'rb') as fh:
            source = fh.read()
        exec(compile(source, path, 'exec'), main.__dict__)
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code & 0xFF
        else:
            try:
                print(e.code, file=sys.stderr)
            except Exception:
                pass
            code = 1
    except BaseException as e:
        tb = e.__traceback__
        # Drop this function's frame so the traceback reads like a fresh interpreter's.
        if tb is not None and tb.tb_frame.f_code is run_inline.__code__:
            tb = tb.tb_next
        try:
            traceback.print_exception(type(e), e, tb)
        except BaseException:
            pass
        code = 1
    # What the interpreter does on its way out: wait for non-daemon threads, then run atexit functions.
    if 'threading' in sys.modules:
        try:
            sys.modules['threading']._shutdown()
        except BaseException:
            pass
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            code = code or 120
    os._exit(code)


def child(job, out_w, err_w):
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.closerange(3, 65536)
        os.chdir(WORK)
        for sig in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGXFSZ, signal.SIGXCPU):
            signal.signal(sig, signal.SIG_DFL)
        set_limits(job['limits'], job['addressSpaceLimit'], job['addressSpaceBytes'])
        if job.get('inlinePython'):
            # The supervisor is not dumpable (so no program can ptrace it); its fork, running the program, may be.
            set_dumpable(1)
            run_inline(os.path.join(WORK, job['inlinePython']))
        env = job['env']
        os.execvpe(job['argv'][0], job['argv'], env)
    except BaseException as e:
        try:
            os.write(2, ('sandbox: cannot run %s: %s\n' % (job['argv'][0], e)).encode())
        except BaseException:
            pass
    os._exit(127)


class Capture:
    # One job's output and limits, the same for a forked child (run_job) and a zygote's child (run_zygote_job): both
    # streams read while the program runs, the first outputBytes of each kept and every byte counted; the clock, the
    # output hard cap and the memory cap (the whole tree's resident memory, every WATCH_S) each end the job.
    def __init__(self, job, out_fd, err_fd, keep):
        lim = job['limits']
        self.job = job
        self.out, self.err = out_fd, err_fd
        self.open = [out_fd, err_fd]
        self.cap = lim['outputBytes']
        self.hard = lim['outputHardCapBytes']
        self.kept = {out_fd: bytearray(), err_fd: bytearray()}
        self.total = {out_fd: 0, err_fd: 0}
        self.keep = keep
        self.start = self.last_watch = time.monotonic()
        self.deadline = self.start + lim['timeoutMs'] / 1000.0
        self.mem_cap = memory_cap(job)
        self.timed_out = self.output_limit = self.memory_limit = False

    def read(self, fd):
        # One chunk; False when there is none (end of file, or nothing now on a non-blocking pipe).
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return False
        if not chunk:
            self.open.remove(fd)
            return False
        self.total[fd] += len(chunk)
        room = self.cap - len(self.kept[fd])
        if room > 0:
            self.kept[fd] += chunk[:room]
        return True

    def drain(self):
        # What non-blocking pipes hold now.
        for fd in list(self.open):
            while self.read(fd):
                pass

    def forget(self):
        # What was read so far is not the job's (a zygote's start-up warnings).
        for fd in (self.out, self.err):
            self.kept[fd] = bytearray()
            self.total[fd] = 0

    def watch(self, program):
        # Reads until the program is over, or a limit ends it. `program` says whether it is over (`over()`: after that
        # only what the pipes still hold is read, unless `program.stop_when_over`), which fds of its own to wait on
        # while it runs (`fds()`, handled by `ready(fds)`), and how long one wait may be (`slice_s`).
        while True:
            over = program.over()
            if over and (program.stop_when_over or not self.open):
                return
            now = time.monotonic()
            if now >= self.deadline:
                self.timed_out = not over
                return
            own = [] if over else program.fds()
            ready, _, _ = select.select(self.open + own, [], [], 0 if over else min(self.deadline - now, program.slice_s))
            if over and not ready:
                return
            for fd in ready:
                if fd in self.kept and fd in self.open:
                    self.read(fd)
            if self.total[self.out] + self.total[self.err] > self.hard:
                self.output_limit = True
                return
            now = time.monotonic()
            if not over and now - self.start >= WATCH_S and now - self.last_watch >= WATCH_S:
                self.last_watch = now
                if resident(self.keep) > self.mem_cap:
                    self.memory_limit = True
                    return
            program.ready([fd for fd in ready if fd in own])

    def result(self, exit_code, sig, cpu):
        wall = (time.monotonic() - self.start) * 1000.0
        return finish(self.job, exit_code, sig, wall, cpu, self.timed_out, self.output_limit,
                      (bytes(self.kept[self.out]), self.total[self.out]),
                      (bytes(self.kept[self.err]), self.total[self.err]), self.memory_limit)


class ForkedChild:
    # run_job's program: over when the child has exited (a pidfd wakes the wait; without one, we poll).
    stop_when_over = False

    def __init__(self, pid):
        self.pid = pid
        self.status = None
        self.rusage = None
        try:
            self.pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.pidfd = None
        self.slice_s = 0.01 if self.pidfd is None else WATCH_S

    def over(self):
        if self.status is None:
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status, self.rusage = status, rusage
        return self.status is not None

    def fds(self):
        return [] if self.pidfd is None else [self.pidfd]

    def ready(self, fds):
        pass


def run_job(job):
    wipe()
    write_files(job['files'])
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        child(job, out_w, err_w)
    os.close(out_w)
    os.close(err_w)
    capture = Capture(job, out_r, err_r, ())
    program = ForkedChild(pid)
    capture.watch(program)
    status, rusage = program.status, program.rusage
    reaped = kill_all(pid)
    if status is None and reaped is not None:
        status, rusage = reaped
    if program.pidfd is not None:
        os.close(program.pidfd)
    os.close(out_r)
    os.close(err_r)
    cpu = (rusage.ru_utime + rusage.ru_stime) * 1000.0 if rusage is not None else None
    exit_code = None
    sig = None
    if status is not None:
        if os.WIFEXITED(status):
            exit_code = os.WEXITSTATUS(status)
        elif os.WIFSIGNALED(status):
            sig = signal.Signals(os.WTERMSIG(status)).name
    return capture.result(exit_code, sig, cpu)


def finish(job, exit_code, sig, wall, cpu, timed_out, output_limit, out, err, memory_limit=False):
    lim = job['limits']
    if sig == 'SIGXCPU' or (sig == 'SIGKILL' and cpu is not None and cpu >= (int(lim['timeoutMs'] / 1000) + 1) * 1000):
        timed_out = True
    collected = []
    if exit_code == 0 and not timed_out and not output_limit and not memory_limit:
        for rel in job.get('collect', []):
            path = os.path.join(WORK, rel)
            if os.path.isfile(path):
                with open(path, 'rb') as fh:
                    collected.append({'path': rel, 'b64': base64.b64encode(fh.read()).decode()})
    wipe()
    remove_sysv_ipc()
    return {
        'id': job['id'],
        'exitCode': exit_code,
        'signal': sig,
        'timedOut': timed_out,
        'outputLimitExceeded': output_limit,
        'memoryLimitExceeded': memory_limit,
        'wallMs': wall,
        'cpuMs': cpu,
        'stdout': {'b64': base64.b64encode(out[0]).decode(), 'bytes': out[1]},
        'stderr': {'b64': base64.b64encode(err[0]).decode(), 'bytes': err[1]},
        'collected': collected,
    }


# Zygotes: a long-lived interpreter (Ruby, PHP) that has loaded what every program needs and forks a fresh child
# per job, which sets its own rlimits and session and then loads the program. The zygote itself never runs a
# candidate's code. Its stdout/stderr are two pipes kept for its lifetime, so each job's child writes there; the
# control channel is a socket on its fd 0 (jobs in; ready / pid / exit lines out), which a child closes first thing
# (one fd to close, so a program can never write a forged exit line).
class Zygote:
    def __init__(self, argv, env):
        import socket
        ours, theirs = socket.socketpair()
        self.c_in_w = self.c_out_r = ours.detach()
        ctl = theirs.detach()
        self.out_r, out_w = os.pipe()
        self.err_r, err_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(ctl, 0)
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                os.closerange(3, 65536)
                os.chdir(WORK)
                for sig in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM):
                    signal.signal(sig, signal.SIG_DFL)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        for fd in (ctl, out_w, err_w):
            os.close(fd)
        for fd in (self.out_r, self.err_r):
            os.set_blocking(fd, False)
        self.pid = pid
        self.buf = b''
        line = self.line(time.monotonic() + 20)
        if line != b'ready':
            self.close()
            raise OSError('zygote %s did not start: %r' % (argv[0], line))

    def line(self, deadline):
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.c_out_r], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.c_out_r, 4096)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line

    def healthy(self):
        try:
            with open('/proc/%d/stat' % self.pid) as fh:
                state = fh.read().rsplit(')', 1)[1].split()[0]
        except OSError:
            return False
        return state in ('S', 'R', 'D')

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        for fd in (self.c_in_w, self.out_r, self.err_r):
            try:
                os.close(fd)
            except OSError:
                pass


ZYGOTES = {}
NO_ZYGOTE = set()


def kill_all_except(keep):
    # Like kill_all, but the zygotes live on: every other process in the namespace is the job's.
    for _ in range(2000):
        victims = []
        for pid in other_pids(keep):
            try:
                with open('/proc/%d/stat' % pid) as fh:
                    if fh.read().rsplit(')', 1)[1].split()[0] == 'Z':
                        continue
            except OSError:
                continue
            victims.append(pid)
        if not victims:
            break
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        reap(-1)
        time.sleep(0.0005)
    reap(-1)


def run_zygote_job(job):
    spec = job['zygote']
    z = ZYGOTES.get(spec['key'])
    if z is not None and not z.healthy():
        z.close()
        z = None
    if z is None:
        if spec['key'] in NO_ZYGOTE:
            return None
        try:
            z = Zygote(spec['argv'], job['env'])
        except OSError:
            # Declined or broken: this sandbox execs the program instead, without trying again per job.
            NO_ZYGOTE.add(spec['key'])
            return None
        ZYGOTES[spec['key']] = z
    lim = job['limits']
    wipe()
    write_files(job['files'])
    cpu_s = int(lim['timeoutMs'] / 1000) + 1
    address = job['addressSpaceBytes'] if job['addressSpaceLimit'] else 0
    request = '%d %d %d %d %d %s\n' % (cpu_s, lim['fileSizeBytes'], lim['openFiles'], lim['processes'], address, spec['main'])
    capture = Capture(job, z.out_r, z.err_r, {z.pid})
    capture.drain()
    capture.forget()
    os.write(z.c_in_w, request.encode())
    program = ZygoteChild(z)
    capture.watch(program)
    exit_line = program.exit_line
    kill_all_except({z.pid})
    if exit_line is None and not program.lost:
        # Killed for time or output: the zygote reaps the child and still reports.
        until = time.monotonic() + 2
        while exit_line is None:
            line = z.line(until)
            if line is None:
                break
            if line.startswith(b'exit '):
                exit_line = line
    capture.drain()
    if exit_line is None or not z.healthy():
        z.close()
        del ZYGOTES[spec['key']]
    if exit_line is None and not capture.timed_out and not capture.output_limit and not capture.memory_limit:
        # The program killed or stopped its zygote: like killing the supervisor, that is the candidate's doing.
        return {'id': job['id'], 'supervisorLost': True}
    exit_code = None
    sig = None
    cpu = None
    if exit_line is not None:
        _, code, signo, cpu_ms = exit_line.decode().split(' ')
        exit_code = None if code == '-' else int(code)
        sig = None if signo == '-' else signal.Signals(int(signo)).name
        cpu = float(cpu_ms)
    return capture.result(exit_code, sig, cpu)


class ZygoteChild:
    # run_zygote_job's program: over when the zygote reports its child's exit on the control socket, or the socket
    # closes (the zygote is gone). The zygote's pipes stay open across jobs, so there is no end of file to wait for.
    stop_when_over = True
    slice_s = WATCH_S

    def __init__(self, zygote):
        self.z = zygote
        self.exit_line = None
        self.lost = False

    def over(self):
        return self.exit_line is not None or self.lost

    def fds(self):
        return [self.z.c_out_r]

    def ready(self, fds):
        z = self.z
        if z.c_out_r in fds:
            chunk = os.read(z.c_out_r, 4096)
            if not chunk:
                self.lost = True
            z.buf += chunk
        while b'\n' in z.buf and self.exit_line is None:
            line, z.buf = z.buf.split(b'\n', 1)
            if line.startswith(b'exit '):
                self.exit_line = line


def main():
    PROTO_OUT.write(b'{"ready":true}\n')
    PROTO_OUT.flush()
    for line in PROTO_IN:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            result = (run_zygote_job(job) if job.get('zygote') else None) or run_job(job)
        except Exception as e:
            kill_all(-1)
            result = {'id': job.get('id'), 'sandboxError': 'supervisor: %s: %s' % (type(e).__name__, e)}
        PROTO_OUT.write(json.dumps(result).encode() + b'\n')
        PROTO_OUT.flush()


main()
