import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IdPipe } from '../common/http/id.pipe.js';
import { ApiBulkImport, ApiErrors, ApiIdParam } from '../common/openapi/api-docs.js';
import { PageQuery, toPage } from '../common/pagination/page.query.js';
import { csvUpload } from '../csv-import/csv-upload.js';
import { ImportReportResponse } from '../csv-import/import-report.response.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('bulk')
  @ApiBulkImport('users.csv: id,username,email,created_at (or just username,email)')
  async bulk(@Req() request: FastifyRequest): Promise<ImportReportResponse> {
    return this.users.importCsv(await csvUpload(request));
  }

  @Get()
  @ApiOkResponse({ type: [UserResponse], description: 'Users in id order' })
  @ApiErrors(400)
  async list(@Query() query: PageQuery): Promise<UserResponse[]> {
    return (await this.users.list(toPage(query))).map(UserResponse.of);
  }

  @Get(':id')
  @ApiIdParam()
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', IdPipe) id: number): Promise<UserResponse> {
    return UserResponse.of(await this.users.get(id));
  }

  @Post()
  @ApiCreatedResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'username or email already taken' })
  @ApiErrors(400, 409)
  async create(@Body() body: CreateUserDto): Promise<UserResponse> {
    return UserResponse.of(await this.users.create(body));
  }

  @Put(':id')
  @ApiIdParam()
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404, 409)
  async update(@Param('id', IdPipe) id: number, @Body() body: UpdateUserDto): Promise<UserResponse> {
    return UserResponse.of(await this.users.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiIdParam()
  @ApiNoContentResponse({ description: 'Deleted, with the user\'s urls' })
  @ApiErrors(400, 404)
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.users.remove(id);
  }
}
