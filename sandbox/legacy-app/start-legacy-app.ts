import type { Socket } from 'node:net';
import { serve, type RunningServer } from '../../lib/http/serve';
import { createLegacyApp } from './create-legacy-app';
import { handleWebsocketEcho } from './handle-websocket-echo';

/** The stand-in listening on `port` (0 picks one), with its WebSocket echo. */
export async function startLegacyApp(port: number, host?: string): Promise<RunningServer> {
  const running = await serve(createLegacyApp(), port, host);
  // Upgraded sockets are no longer the HTTP server's to close; track them so close() can.
  const upgraded = new Set<Socket>();
  running.server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    handleWebsocketEcho(req, socket, head);
  });
  return {
    ...running,
    close: async () => {
      upgraded.forEach((socket) => socket.destroy());
      await running.close();
    },
  };
}
