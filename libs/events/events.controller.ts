import { Body, Controller, Get, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiBulkImport, ApiErrors } from '../common/openapi/api-docs.js';
import { toPage } from '../common/pagination/page.query.js';
import { csvUpload } from '../csv-import/csv-upload.js';
import { ImportReportResponse } from '../csv-import/import-report.response.js';
import { CreateEventDto } from './dto/create-event.dto.js';
import { EventFilterQuery } from './dto/event-filter.query.js';
import { EventResponse } from './dto/event.response.js';
import { EventSubmissionService } from './event-submission.service.js';
import { EventsService } from './events.service.js';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly submissions: EventSubmissionService,
  ) {}

  @Post('bulk')
  @ApiBulkImport('events.csv: id,url_id,user_id,event_type,timestamp,details (details: a JSON object)')
  async bulk(@Req() request: FastifyRequest): Promise<ImportReportResponse> {
    return this.submissions.importCsv(await csvUpload(request));
  }

  @Get()
  @ApiOkResponse({ type: [EventResponse], description: 'Events in id order, filtered' })
  @ApiErrors(400)
  async list(@Query() query: EventFilterQuery): Promise<EventResponse[]> {
    const { url_id, user_id, event_type } = query;
    return (await this.events.list({ url_id, user_id, event_type }, toPage(query))).map(EventResponse.of);
  }

  @Post()
  @ApiCreatedResponse({ type: EventResponse })
  @ApiErrors(400, 404)
  async create(@Body() body: CreateEventDto): Promise<EventResponse> {
    return EventResponse.of(await this.submissions.create(body));
  }
}
