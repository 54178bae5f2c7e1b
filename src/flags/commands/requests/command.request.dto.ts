import { IsOptionalText } from '../../../shared/index.js';

/** Every command may say why; the reason is stored on the event. */
export class CommandRequest {
  @IsOptionalText(500)
  reason?: string | null;
}
