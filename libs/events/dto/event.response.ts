import { ApiProperty } from '@nestjs/swagger';
import { formatTimestamp } from '../../common/time/timestamp.js';
import type { Event } from '../event.entity.js';

export class EventResponse {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 1 })
  url_id: number;

  @ApiProperty({ example: 1, nullable: true, type: Number })
  user_id: number | null;

  @ApiProperty({ example: 'created', description: 'created, updated, deleted, click, or a client-defined type' })
  event_type: string;

  @ApiProperty({ example: '2025-09-27T19:12:17', description: 'UTC, YYYY-MM-DDTHH:MM:SS' })
  timestamp: string;

  @ApiProperty({
    example: { short_code: '0Y7puX', original_url: 'https://opswise.net/clear/zenith/1' },
    description: 'Always a JSON object',
  })
  details: Record<string, unknown>;

  static of(event: Event): EventResponse {
    return {
      id: Number(event.id),
      url_id: event.url_id,
      user_id: event.user_id,
      event_type: event.event_type,
      timestamp: formatTimestamp(event.timestamp),
      details: event.details,
    };
  }
}
