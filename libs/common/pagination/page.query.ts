import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 1000;
export const MAX_PAGE = 1_000_000;

/** `?page=&per_page=`: 1-based pages of bounded size, so no list endpoint returns an unbounded table. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1, example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: DEFAULT_PER_PAGE, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  per_page?: number;
}

export interface Page {
  limit: number;
  offset: number;
}

export function toPage(query: PageQuery): Page {
  const limit = query.per_page ?? DEFAULT_PER_PAGE;
  return { limit, offset: ((query.page ?? 1) - 1) * limit };
}
