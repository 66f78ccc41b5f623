#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace btk {

/// An allocator that leaves new elements of a trivial type uninitialised on
/// `resize` (default-initialisation instead of value-initialisation), so
/// that a column is written once, by the code that fills it, instead of
/// being zeroed first. On this machine class the first write to a new page
/// costs about 16 times a write to memory in use (bench/memory_bench): a
/// year of 1-minute candles is 21 MB of columns, and zeroing them first
/// doubled what filling them cost, on one thread.
template <class T>
struct uninit_allocator : std::allocator<T> {
  static_assert(std::is_trivial<T>::value,
                "uninit_allocator is for trivial element types");
  template <class U>
  struct rebind {
    using other = uninit_allocator<U>;
  };
  uninit_allocator() noexcept = default;
  template <class U>
  uninit_allocator(const uninit_allocator<U>&) noexcept {}
  /// `resize(n)` and `vector(n)`: the element is left as it is.
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <class T, class U>
bool operator==(const uninit_allocator<T>&,
                const uninit_allocator<U>&) noexcept {
  return true;
}
template <class T, class U>
bool operator!=(const uninit_allocator<T>&,
                const uninit_allocator<U>&) noexcept {
  return false;
}

/// A column of doubles (one per bar or per minute). `resize` and the size
/// constructor leave the new values unset: whoever makes a column writes
/// every value; `assign`, `insert` and `resize(n, value)` set them as
/// usual.
using column = std::vector<double, uninit_allocator<double>>;

} // namespace btk
