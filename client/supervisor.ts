/**
 * Keeps `npm start`'s parts alive: when one ends that should not (the
 * Temporal server process, the worker), say which and why in one line,
 * restart it with backoff, and stop everything cleanly when it keeps dying.
 */
export interface Running {
  /** Settles when the part ends; its value says how ("exit code 1", "killed by SIGKILL", an error message). */
  ended: Promise<string>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  log: (line: string) => void;
  /** Called once when a part cannot be kept running; the caller stops everything. */
  giveUp: (why: string) => void;
  /** Restart delays; one more failure than there are delays within `windowMs` gives up. */
  backoffMs?: number[];
  windowMs?: number;
}

interface Part {
  name: string;
  /** Settles when its latest start has; a part still starting when everything stops is stopped once it runs. */
  starting?: Promise<unknown>;
  current?: Running;
}

export class Supervisor {
  private readonly parts: Part[] = [];
  private stopping = false;

  constructor(private readonly o: SupervisorOptions) {}

  /** Start a part and keep it running; resolves once it first started (a failure to start at all is thrown). */
  async keep(name: string, start: () => Promise<Running>): Promise<void> {
    if (this.stopping) throw new Error(`${name} was not started: everything is stopping`);
    const part: Part = { name };
    this.parts.push(part);
    await this.begin(part, start);
    void this.watch(part, start);
  }

  /** Start (or restart) a part; stopAll waits for a start under way, then stops what it started. */
  private begin(part: Part, start: () => Promise<Running>): Promise<Running> {
    const started = start().then((running) => (part.current = running));
    part.starting = started.catch(() => undefined);
    return started;
  }

  private async watch(part: Part, start: () => Promise<Running>) {
    const backoff = this.o.backoffMs ?? [1000, 2000, 4000, 8000, 16000];
    const windowMs = this.o.windowMs ?? 120_000;
    const failures: number[] = [];
    for (;;) {
      const how = await part.current!.ended;
      if (this.stopping) return;
      const now = Date.now();
      failures.push(now);
      while (failures.length && failures[0] < now - windowMs) failures.shift();
      if (failures.length > backoff.length) {
        this.o.giveUp(`${part.name} stopped ${failures.length} times in ${windowMs / 1000} s (last: ${how}); stopping everything`);
        return;
      }
      const delay = backoff[failures.length - 1];
      this.o.log(`${part.name} stopped (${how}); restarting in ${delay / 1000} s`);
      await new Promise((r) => setTimeout(r, delay));
      if (this.stopping) return;
      try {
        await this.begin(part, start);
        if (this.stopping) return; // stopAll waited for this start and stops it
        this.o.log(`${part.name} is running again`);
      } catch (e) {
        part.current = { ended: Promise.resolve(`could not restart: ${(e as Error).message.split('\n')[0]}`), stop: async () => undefined };
      }
    }
  }

  /** Stop every part, the last started first. */
  async stopAll(onError: (name: string, e: Error) => void): Promise<void> {
    this.stopping = true;
    for (const part of [...this.parts].reverse()) {
      try {
        await part.starting;
        await part.current?.stop();
      } catch (e) {
        onError(part.name, e as Error);
      }
    }
  }
}
