import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_INT4 } from '../../common/http/id.pipe.js';
import { IsTargetUrl, TARGET_URL_MAX } from '../target-url.policy.js';

export const TITLE_MAX = 500;

export class CreateUrlDto {
  @ApiProperty({ example: 1, description: 'Owner; must be an existing user' })
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  user_id: number;

  @ApiProperty({
    example: 'https://example.com/some/long/page?ref=newsletter',
    maxLength: TARGET_URL_MAX,
    description: 'Absolute http(s) URL with a host; stored normalised',
  })
  @IsTargetUrl()
  original_url: string;

  @ApiPropertyOptional({ example: 'Launch announcement', maxLength: TITLE_MAX, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(TITLE_MAX)
  title?: string | null;
}
