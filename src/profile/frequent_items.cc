#include "profile/frequent_items.h"

#include <algorithm>
#include <cstring>

#include "common/check.h"

namespace logidata::profile {

FrequentItems::FrequentItems(size_t capacity)
    : capacity_(capacity), slots_(capacity * 2), texts_(capacity + 1), raws_(capacity + 1) {
  LD_CHECK(capacity >= 4 && (capacity & (capacity - 1)) == 0);
  free_payloads_.reserve(capacity + 1);
  for (uint32_t i = static_cast<uint32_t>(capacity) + 1; i-- > 0;) free_payloads_.push_back(i);
}

void FrequentItems::AddRaw(uint64_t key, const void* bytes, size_t size) {
  ++total_;
  if (Slot* slot = Find(key)) {
    ++slot->count;
    return;
  }
  std::memcpy(raws_[Insert(key, 1)->payload].data(), bytes, std::min<size_t>(size, 16));
}

FrequentItems::Slot* FrequentItems::Insert(uint64_t key, int64_t count) {
  if (size_ >= capacity_) Purge();
  Slot slot;
  slot.key = Key(key);
  slot.count = count;
  slot.payload = free_payloads_.back();
  free_payloads_.pop_back();
  return Place(slot);
}

FrequentItems::Slot* FrequentItems::Place(const Slot& slot) {
  const size_t mask = slots_.size() - 1;
  size_t i = slot.key & mask;
  while (slots_[i].key != 0) i = (i + 1) & mask;
  slots_[i] = slot;
  ++size_;
  return &slots_[i];
}

void FrequentItems::Purge() {
  // Subtract the median count from every counter; at least half of them reach zero and go.
  std::vector<int64_t>& counts = counts_scratch_;
  counts.clear();
  for (const Slot& s : slots_) {
    if (s.key != 0) counts.push_back(s.count);
  }
  auto mid = counts.begin() + static_cast<std::ptrdiff_t>(counts.size() / 2);
  std::nth_element(counts.begin(), mid, counts.end());
  const int64_t decrement = *mid;
  offset_ += decrement;
  scratch_.assign(slots_.size(), Slot{});
  scratch_.swap(slots_);
  size_ = 0;
  for (Slot s : scratch_) {
    if (s.key == 0) continue;
    if (s.count <= decrement) {
      free_payloads_.push_back(s.payload);
      continue;
    }
    s.count -= decrement;
    Place(s);
  }
}

void FrequentItems::Merge(const FrequentItems& other) {
  LD_CHECK_EQ(capacity_, other.capacity_);
  offset_ += other.offset_;
  total_ += other.total_;
  for (const Slot& s : other.slots_) {
    if (s.key == 0) continue;
    if (Slot* mine = Find(s.key)) {
      mine->count += s.count;
      continue;
    }
    Slot* placed = Insert(s.key, s.count);
    texts_[placed->payload] = other.texts_[s.payload];
    raws_[placed->payload] = other.raws_[s.payload];
  }
}

std::vector<FrequentItems::Item> FrequentItems::Top(size_t limit) const {
  std::vector<const Slot*> slots;
  for (const Slot& s : slots_) {
    if (s.key != 0) slots.push_back(&s);
  }
  std::sort(slots.begin(), slots.end(), [](const Slot* a, const Slot* b) {
    return a->count != b->count ? a->count > b->count : a->key < b->key;
  });
  if (slots.size() > limit) slots.resize(limit);
  std::vector<Item> items;
  for (const Slot* s : slots) items.push_back({s->key, s->count, texts_[s->payload], raws_[s->payload]});
  return items;
}

}  // namespace logidata::profile
