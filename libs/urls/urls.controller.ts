import { BadRequestException, Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IdPipe } from '../common/http/id.pipe.js';
import { ApiBulkImport, ApiErrors, ApiIdParam } from '../common/openapi/api-docs.js';
import { toPage } from '../common/pagination/page.query.js';
import { csvUpload } from '../csv-import/csv-upload.js';
import { ImportReportResponse } from '../csv-import/import-report.response.js';
import { CreateUrlDto } from './dto/create-url.dto.js';
import { UpdateUrlDto } from './dto/update-url.dto.js';
import { UrlFilterQuery } from './dto/url-filter.query.js';
import { UrlResponse } from './dto/url.response.js';
import { UrlsService } from './urls.service.js';

@ApiTags('urls')
@Controller('urls')
export class UrlsController {
  constructor(private readonly urls: UrlsService) {}

  @Post('bulk')
  @ApiBulkImport('urls.csv: id,user_id,short_code,original_url,title,is_active,created_at,updated_at')
  async bulk(@Req() request: FastifyRequest): Promise<ImportReportResponse> {
    return this.urls.importCsv(await csvUpload(request));
  }

  @Get()
  @ApiOkResponse({ type: [UrlResponse], description: 'Urls in id order, filtered' })
  @ApiErrors(400)
  async list(@Query() query: UrlFilterQuery): Promise<UrlResponse[]> {
    const urls = await this.urls.list({ user_id: query.user_id, is_active: query.is_active }, toPage(query));
    return urls.map(UrlResponse.of);
  }

  @Get(':id')
  @ApiIdParam()
  @ApiOkResponse({ type: UrlResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', IdPipe) id: number): Promise<UrlResponse> {
    return UrlResponse.of(await this.urls.get(id));
  }

  @Post()
  @ApiCreatedResponse({ type: UrlResponse, description: 'Created with a new random short_code and a `created` event' })
  @ApiErrors(400, 404)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Any unique string up to 255 characters: a retry with the same key returns the url the first request created',
  })
  async create(@Body() body: CreateUrlDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<UrlResponse> {
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
      throw new BadRequestException({ error: 'Idempotency-Key must be 1-255 characters' });
    }
    return UrlResponse.of(await this.urls.create(body, idempotencyKey ?? null));
  }

  @Put(':id')
  @ApiIdParam()
  @ApiOkResponse({ type: UrlResponse, description: 'Updated; one `updated` event per changed field' })
  @ApiErrors(400, 404)
  async update(@Param('id', IdPipe) id: number, @Body() body: UpdateUrlDto): Promise<UrlResponse> {
    return UrlResponse.of(await this.urls.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiIdParam()
  @ApiNoContentResponse({ description: 'Deleted; the short code stops redirecting at once' })
  @ApiErrors(400, 404)
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.urls.remove(id);
  }
}
