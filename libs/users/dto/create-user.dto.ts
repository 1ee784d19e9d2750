import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';

export const USERNAME_MAX = 255;
export const EMAIL_MAX = 320;

export class CreateUserDto {
  @ApiProperty({ example: 'livelypioneer98', maxLength: USERNAME_MAX })
  @IsString()
  @Matches(/\S/, { message: 'username must not be blank' })
  @MaxLength(USERNAME_MAX)
  username: string;

  @ApiProperty({ example: 'livelypioneer98@hackstack.io', maxLength: EMAIL_MAX })
  @IsString()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(EMAIL_MAX)
  email: string;
}
