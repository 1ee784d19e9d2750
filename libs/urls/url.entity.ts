import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'urls' })
export class Url {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  user_id: number;

  @Column({ name: 'short_code', type: 'varchar', length: 32, unique: true })
  short_code: string;

  @Column({ name: 'original_url', type: 'text' })
  original_url: string;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  is_active: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  created_at: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updated_at: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true, select: false })
  deleted_at: Date | null;
}
