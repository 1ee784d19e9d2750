import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_INT4 } from '../../common/http/id.pipe.js';

export const EVENT_TYPE_MAX = 64;

export class CreateEventDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  url_id: number;

  @ApiPropertyOptional({ example: 1, nullable: true, type: Number, description: 'Defaults to the url owner' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  user_id?: number | null;

  @ApiProperty({ example: 'shared', maxLength: EVENT_TYPE_MAX })
  @IsString()
  @Matches(/\S/, { message: 'event_type must not be blank' })
  @MaxLength(EVENT_TYPE_MAX)
  event_type: string;

  @ApiPropertyOptional({ example: { channel: 'newsletter' }, description: 'A JSON object; defaults to {}' })
  @IsOptional()
  @IsObject({ message: 'details must be a JSON object' })
  details?: Record<string, unknown>;
}
