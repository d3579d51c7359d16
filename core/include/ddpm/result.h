#pragma once
// Bad input is a value: functions that can fail on a user's file or parameter return a Result
// holding either the value or one sentence a person can act on.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ddpm {

struct Error {
    std::string message;
};

template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { assert(ok()); return std::get<0>(v_); }
    const T& value() const { assert(ok()); return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const std::string& error() const { assert(!ok()); return std::get<1>(v_).message; }

private:
    std::variant<T, Error> v_;
};

// The outcome of work that returns nothing: empty message means success.
struct Status {
    std::string error;
    Status() = default;
    Status(Error e) : error(std::move(e.message)) {}
    bool ok() const { return error.empty(); }
    explicit operator bool() const { return ok(); }
};

}  // namespace ddpm
