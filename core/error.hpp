#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace btk {

/// A failure that a user can act on: the message names the place (file and
/// line, field, value) and the reason. Hot paths return it; only the edges
/// (CLI, public API) turn it into an exception or an exit code.
struct error {
  std::string message;
};

/// Either a value or an `error`, in the spirit of C++23 `std::expected`.
template <class T>
class expected {
public:
  expected(T value)
      : data_(std::move(value)) {}
  expected(error err)
      : data_(std::move(err)) {}

  /// Converts from anything `T` can be built from (e.g. a derived
  /// `unique_ptr`).
  template <class U,
            class = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                     !std::is_same_v<std::decay_t<U>, T> &&
                                     !std::is_same_v<std::decay_t<U>, error>>>
  expected(U&& value)
      : data_(std::in_place_index<0>, std::forward<U>(value)) {}

  /// True when a value is held.
  explicit operator bool() const noexcept { return data_.index() == 0; }
  bool has_value() const noexcept { return data_.index() == 0; }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error& err() const { return std::get<1>(data_); }

private:
  std::variant<T, error> data_;
};

} // namespace btk
