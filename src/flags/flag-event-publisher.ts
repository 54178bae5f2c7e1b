import { Injectable } from '@nestjs/common';
import { EventBus, type IEvent } from '@nestjs/cqrs';
import { CommittedEventFeed, type StoredEvent } from '../event-store/index.js';
import { isFlagEventType } from './flag.events.js';

/** A committed flag event on the Nest EventBus; published only after its append committed. */
export class FlagEventCommitted implements IEvent {
  constructor(readonly event: StoredEvent) {}
}

/** Bridges the committed-event feed to the EventBus, so in-process subscribers never see an uncommitted event. */
@Injectable()
export class FlagEventPublisher {
  constructor(feed: CommittedEventFeed, eventBus: EventBus) {
    feed.subscribe((events) => {
      for (const event of events) if (isFlagEventType(event.type)) eventBus.publish(new FlagEventCommitted(event));
    });
  }
}
