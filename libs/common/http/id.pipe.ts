import { BadRequestException, NotFoundException, type PipeTransform } from '@nestjs/common';

export const MAX_INT4 = 2_147_483_647;

/** Parses a path id: a non-integer is a client error, an integer no row can have is simply absent. */
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^-?\d+$/.test(value)) {
      throw new BadRequestException({ error: `id must be a positive integer, got ${JSON.stringify(value)}` });
    }
    const id = Number(value);
    if (id < 1 || id > MAX_INT4) throw new NotFoundException({ error: `no record has id ${value}` });
    return id;
  }
}
