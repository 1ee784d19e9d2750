import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.js';
import { IsTargetUrl, TARGET_URL_MAX } from '../target-url.policy.js';
import { TITLE_MAX } from './create-url.dto.js';

/** Partial update: absent fields are left as they are; `title: null` clears the title. */
export class UpdateUrlDto {
  @ApiPropertyOptional({ example: 'Renamed campaign', maxLength: TITLE_MAX, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(TITLE_MAX)
  title?: string | null;

  @ApiPropertyOptional({ example: false, description: 'Must be a JSON boolean' })
  @IsOptionalNotNull()
  @IsBoolean({ message: 'is_active must be a boolean (true or false)' })
  is_active?: boolean;

  @ApiPropertyOptional({ example: 'https://example.com/new-target', maxLength: TARGET_URL_MAX })
  @IsOptionalNotNull()
  @IsTargetUrl()
  original_url?: string;
}
