// The child's end of the message channel. Under child_process.fork it is process.send and
// process.on('message'); Electron's utilityProcess offers process.parentPort instead, which gets its
// own implementation here when the desktop app adopts it (the supervisor side is a ChildLauncher).

export interface ParentPort {
  /** Posts a message; `then` runs once it has been handed to the channel (or dropped: no parent). */
  post(message: unknown, then?: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The parent went away (closed or crashed). */
  onDisconnect(listener: () => void): void;
}

/** The channel this process was started with, or null when it was started by hand. */
export function connectToParent(): ParentPort | null {
  if (!process.send) return null;
  return {
    post(message, then) {
      if (!process.connected) {
        then?.();
        return;
      }
      process.send!(message, undefined, {}, () => then?.());
    },
    onMessage(listener) {
      process.on('message', listener);
    },
    onDisconnect(listener) {
      process.on('disconnect', listener);
    },
  };
}
