import { ApiProperty } from '@nestjs/swagger';
import { formatTimestamp } from '../../common/time/timestamp.js';
import type { User } from '../user.entity.js';

export class UserResponse {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'livelypioneer98' })
  username: string;

  @ApiProperty({ example: 'livelypioneer98@hackstack.io' })
  email: string;

  @ApiProperty({ example: '2024-03-09T07:51:31', description: 'UTC, YYYY-MM-DDTHH:MM:SS' })
  created_at: string;

  static of(user: User): UserResponse {
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      created_at: formatTimestamp(user.created_at),
    };
  }
}
