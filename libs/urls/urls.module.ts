import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module.js';
import { UsersModule } from '../users/users.module.js';
import { ShortCodeGenerator } from './short-code.generator.js';
import { Url } from './url.entity.js';
import { UrlsController } from './urls.controller.js';
import { UrlsRepository } from './urls.repository.js';
import { UrlsService } from './urls.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Url]), UsersModule, EventsModule],
  controllers: [UrlsController],
  providers: [UrlsRepository, UrlsService, { provide: ShortCodeGenerator, useValue: new ShortCodeGenerator() }],
  exports: [UrlsService],
})
export class UrlsModule {}
