#include "storage/sqlite_watch.h"

#include "storage/sqlite_log.h"

namespace flotilla::storage {

core::Result<std::vector<Event>> SqliteWatch::next(std::chrono::milliseconds timeout) {
  if (cancelled_) return core::Status(core::Code::Unavailable, "watch cancelled");
  while (replay_from_ < replay_to_) {
    auto conn = readers_->acquire();
    if (!conn.isOk()) return conn.status();
    SqliteReadTransaction tx(**conn);
    FLOTILLA_RETURN_IF_ERROR(tx.begin());
    auto revisions = sqlite_log::readRevisions(**conn);
    if (!revisions.isOk()) return revisions.status();
    if (revisions->compacted > replay_from_) {
      subscription_->cancel();
      return core::Status(core::Code::Gone, "watch history compacted at revision " +
                                                std::to_string(revisions->compacted));
    }
    auto events = sqlite_log::readEvents(**conn, prefix_, replay_from_, replay_to_, kReplayPage);
    if (!events.isOk()) return events.status();
    replay_from_ =
        static_cast<int64_t>(events->size()) < kReplayPage ? replay_to_ : events->back().revision;
    if (!events->empty()) return std::move(events).value();
  }
  return subscription_->next(timeout);
}

void SqliteWatch::cancel() {
  cancelled_ = true;
  subscription_->cancel();
}

}  // namespace flotilla::storage
