import net from 'node:net';

/**
 * A TCP pass-through on loopback between a client and the hub that can lose one answer on purpose: once
 * armed, the next bytes the hub sends (the start of an answer, so the batch behind it has committed) are
 * held back, `onCut` runs (it kills the hub), and the client's connection is dropped without them. That is
 * the case where only the hub's idempotency keeps the client's retry from storing the batch twice.
 */
export class AnswerCuttingProxy {
  private armed: { onCut: () => Promise<void>; resolve: () => void } | undefined;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(upstreamPort: number): Promise<AnswerCuttingProxy> {
    let proxy: AnswerCuttingProxy | undefined;
    const server = net.createServer((client) => proxy!.connect(client, upstreamPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new AnswerCuttingProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  /** Resolves once an answer has been cut (after `onCut` finished). */
  cutNextAnswer(onCut: () => Promise<void>): Promise<void> {
    return new Promise((resolve) => (this.armed = { onCut, resolve }));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private connect(client: net.Socket, upstreamPort: number): void {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      // A peer that vanished (the hub killed, the client gone) ends both sides; the client sees a network error.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.once('end', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      const armed = this.armed;
      if (armed === undefined) {
        client.write(chunk);
        return;
      }
      this.armed = undefined;
      upstream.pause();
      void armed.onCut().finally(() => {
        client.destroy();
        upstream.destroy();
        armed.resolve();
      });
    });
  }
}
