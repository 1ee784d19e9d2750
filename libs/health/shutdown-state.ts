import { Injectable } from '@nestjs/common';

/** Set when the process has been asked to stop: readiness fails from then on so traffic moves away. */
@Injectable()
export class ShutdownState {
  private drainingSince: number | null = null;

  beginDraining(): void {
    this.drainingSince ??= Date.now();
  }

  get draining(): boolean {
    return this.drainingSince !== null;
  }
}
