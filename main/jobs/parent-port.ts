// The child's end of the message channel. Under child_process.fork it is process.send and
// process.on('message'); in Electron's utilityProcess (the desktop app) it is process.parentPort.

export interface ParentPort {
  /** Posts a message; `then` runs once it has been handed to the channel (or dropped: no parent). */
  post(message: unknown, then?: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The parent went away (closed or crashed). */
  onDisconnect(listener: () => void): void;
}

/** Electron's utility-process port (absent from Node's types, hence the structural type). */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
}

function electronParentPort(): ParentPort | null {
  const port = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (!port) return null;
  return {
    post(message, then) {
      port.postMessage(message);
      then?.();
    },
    onMessage(listener) {
      port.on('message', (e) => listener(e.data));
    },
    onDisconnect(listener) {
      port.on('close', listener);
    },
  };
}

/** The channel this process was started with, or null when it was started by hand. */
export function connectToParent(): ParentPort | null {
  const electron = electronParentPort();
  if (electron) return electron;
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
