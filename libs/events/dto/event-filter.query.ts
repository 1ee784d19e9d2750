import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_INT4 } from '../../common/http/id.pipe.js';
import { PageQuery } from '../../common/pagination/page.query.js';
import { EVENT_TYPE_MAX } from './create-event.dto.js';

export class EventFilterQuery extends PageQuery {
  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  url_id?: number;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  user_id?: number;

  @ApiPropertyOptional({ example: 'click' })
  @IsOptional()
  @IsString()
  @MaxLength(EVENT_TYPE_MAX)
  event_type?: string;
}
