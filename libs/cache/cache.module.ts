import { Global, Module } from '@nestjs/common';
import { LinkCache } from './link-cache.js';
import { RedisConnection } from './redis-connection.js';

@Global()
@Module({
  providers: [RedisConnection, LinkCache],
  exports: [RedisConnection, LinkCache],
})
export class CacheModule {}
