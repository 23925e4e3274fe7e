/** An idle wait that a `kick()` ends early: how the workers sleep between polls of the database. */
export class Waker {
  private wake: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  kick(): void {
    this.wake?.();
  }
}
