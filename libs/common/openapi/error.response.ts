import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The JSON body of every error response. */
export class ErrorResponse {
  @ApiProperty({ example: 'user 42 not found', description: 'What went wrong, in words a client can act on' })
  error: string;

  @ApiProperty({ example: 404, description: 'The HTTP status, repeated for clients that log bodies only' })
  status: number;

  @ApiPropertyOptional({
    example: ['email must be a valid email address'],
    description: 'Field-level problems, when there are several',
  })
  details?: unknown;
}
