// A job process outlives its terminal long enough to save its work. child-main imports this first,
// so the handlers are in place before anything slow loads.
//
// A terminal's Ctrl-C (SIGINT) and hang-up (SIGHUP) go to the whole foreground process group, and
// job processes are in the studio's group: left alone, they die at once, mid-step, before the
// studio can ask them to save. So they ignore both and leave the decision to the studio, which gets
// the same signal: it sends `stop` (finish the step, save a checkpoint, exit), and on a second
// Ctrl-C ends them itself. Should the studio die instead (a hang-up ends it, or it crashes), the
// message channel closes and the job saves and exits on its own (child-main's onDisconnect).
//
// Why not a process group of their own (fork's `detached: true`)? Electron's utilityProcess, which
// runs the jobs in the desktop app, has no such option; on Windows a detached child gets a console
// window of its own; and Ctrl-Z should still suspend the trainer along with the studio. Ignoring
// the signals here works the same under fork and utilityProcess, on every platform (Windows
// delivers a console's Ctrl-C as SIGINT to each process attached to it).
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);

// Once the studio is gone, writing to its end of stdout/stderr fails (EPIPE); that must not become
// an uncaught error that ends the job before it has saved.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
