import { ApiProperty } from '@nestjs/swagger';
import { formatTimestamp } from '../../common/time/timestamp.js';
import type { Url } from '../url.entity.js';

export class UrlResponse {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 1 })
  user_id: number;

  @ApiProperty({ example: 'aZ3kP9q', description: 'Redirects via GET /{short_code}' })
  short_code: string;

  @ApiProperty({ example: 'https://opswise.net/clear/zenith/1' })
  original_url: string;

  @ApiProperty({ example: 'Quarterly brief garden', nullable: true, type: String })
  title: string | null;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: '2025-09-27T19:12:17', description: 'UTC, YYYY-MM-DDTHH:MM:SS' })
  created_at: string;

  @ApiProperty({ example: '2025-10-04T11:18:27', description: 'UTC, YYYY-MM-DDTHH:MM:SS' })
  updated_at: string;

  static of(url: Url): UrlResponse {
    return {
      id: url.id,
      user_id: url.user_id,
      short_code: url.short_code,
      original_url: url.original_url,
      title: url.title,
      is_active: url.is_active,
      created_at: formatTimestamp(url.created_at),
      updated_at: formatTimestamp(url.updated_at),
    };
  }
}
