import { CommandRequest } from './command.request.dto.js';
import { IsSegments } from './flag-field.validators.js';

export class ChangeSegmentsRequest extends CommandRequest {
  @IsSegments()
  segments!: string[];
}
