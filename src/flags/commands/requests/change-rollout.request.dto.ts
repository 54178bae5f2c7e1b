import { CommandRequest } from './command.request.dto.js';
import { IsPercentage } from './flag-field.validators.js';

export class ChangeRolloutRequest extends CommandRequest {
  @IsPercentage()
  percentage!: number;
}
