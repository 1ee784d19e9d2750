import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.js';
import { EMAIL_MAX, USERNAME_MAX } from './create-user.dto.js';

/** Partial update: absent fields are left as they are. */
export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'calmharbor12', maxLength: USERNAME_MAX })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/\S/, { message: 'username must not be blank' })
  @MaxLength(USERNAME_MAX)
  username?: string;

  @ApiPropertyOptional({ example: 'calmharbor12@example.com', maxLength: EMAIL_MAX })
  @IsOptionalNotNull()
  @IsString()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(EMAIL_MAX)
  email?: string;
}
