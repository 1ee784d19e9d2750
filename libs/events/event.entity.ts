import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'events' })
export class Event {
  /** bigint, because events is the table that grows without bound; pg returns it as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'url_id', type: 'integer' })
  url_id: number;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  user_id: number | null;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  event_type: string;

  @Column({ name: 'timestamp', type: 'timestamptz', default: () => 'now()' })
  timestamp: Date;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  details: Record<string, unknown>;
}
