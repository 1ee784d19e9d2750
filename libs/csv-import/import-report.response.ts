import { ApiProperty } from '@nestjs/swagger';
import type { ImportReport, RowError } from './import-report.js';

class RowErrorResponse implements RowError {
  @ApiProperty({ example: 17, description: 'Line of the CSV file (the header is line 1)' })
  line: number;

  @ApiProperty({ example: 'user 999 does not exist' })
  error: string;
}

export class ImportReportResponse implements ImportReport {
  @ApiProperty({ example: 400, description: 'Data rows read from the file' })
  count: number;

  @ApiProperty({ example: 400, description: 'Rows written by this upload' })
  imported: number;

  @ApiProperty({ example: 0, description: 'Rows already present from an earlier upload' })
  skipped: number;

  @ApiProperty({ example: 0, description: 'Rows refused; the reasons are in errors' })
  failed: number;

  @ApiProperty({ type: [RowErrorResponse], description: 'The first 100 refused rows, with reasons' })
  errors: RowErrorResponse[];
}
