// MP4 through the ffmpeg command: raw RGB frames on its stdin, H.264 in yuv420p out.
// ffmpeg is optional at run time, so it is looked up on PATH rather than linked.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "export_internal.h"

extern char** environ;

namespace ddpm::detail {

Result<std::string> find_ffmpeg() {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    while (true) {
        const std::size_t colon = dirs.find(':');
        const std::string dir(dirs.substr(0, colon));
        const std::string exe = (dir.empty() ? std::string(".") : dir) + "/ffmpeg";
        if (::access(exe.c_str(), X_OK) == 0) return exe;
        if (colon == std::string_view::npos) break;
        dirs.remove_prefix(colon + 1);
    }
    return Error{"MP4 export needs the ffmpeg command, which is not installed (apt-get install ffmpeg); "
                 "a GIF or a PNG sequence works without it"};
}

Result<VideoPipe> VideoPipe::open(const std::string& ffmpeg, const std::string& path, const std::string& shown,
                                  int width, int height, int fps) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Error{std::string("could not start ffmpeg: ") + std::strerror(errno)};
    // ffmpeg's messages go to an unlinked temporary file: a pipe could fill up and stall it.
    FILE* log = std::tmpfile();
    const std::string size = std::to_string(width) + "x" + std::to_string(height), rate = std::to_string(fps);
    const char* argv[] = {ffmpeg.c_str(), "-hide_banner", "-loglevel", "error", "-nostats", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-s", size.c_str(), "-framerate", rate.c_str(), "-i", "pipe:0",
                          "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18", "-movflags", "+faststart",
                          "-f", "mp4", "-y", path.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (log) posix_spawn_file_actions_adddup2(&actions, fileno(log), 2);
    // ffmpeg starts with no signal blocked and default handlers, whatever InterruptCleanup blocked here.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigemptyset(&all);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ}) sigaddset(&all, sig);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, ffmpeg.c_str(), &actions, &attr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[0]);
    if (rc != 0) {
        ::close(fds[1]);
        if (log) std::fclose(log);
        return Error{"could not start " + ffmpeg + ": " + std::strerror(rc)};
    }
    VideoPipe v;
    v.pid_ = pid;
    v.stdin_fd_ = fds[1];
    v.log_fd_ = log ? ::dup(fileno(log)) : -1;
    if (log) std::fclose(log);
    v.path_ = path;
    v.shown_ = shown;
    return v;
}

VideoPipe::VideoPipe(VideoPipe&& o) noexcept
    : pid_(o.pid_), stdin_fd_(o.stdin_fd_), log_fd_(o.log_fd_), path_(std::move(o.path_)), shown_(std::move(o.shown_)) {
    o.pid_ = -1, o.stdin_fd_ = -1, o.log_fd_ = -1;
}

VideoPipe::~VideoPipe() { abort(); }

Status VideoPipe::write(const Rgb8& frame) {
    const uint8_t* p = frame.pixels.data();
    std::size_t left = frame.pixels.size();
    while (left) {
        const ssize_t n = ::write(stdin_fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // ffmpeg stopped reading: its own message says why.
            const int err = n < 0 ? errno : EIO;
            Status s = collect();
            return s ? Status(Error{std::string("could not send frames to ffmpeg: ") + std::strerror(err)}) : s;
        }
        p += n, left -= std::size_t(n);
    }
    return {};
}

Status VideoPipe::collect() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_), stdin_fd_ = -1;
    int status = 0;
    if (pid_ > 0) {
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }
    std::string message;
    if (log_fd_ >= 0) {
        char buf[4096];
        ssize_t n;
        ::lseek(log_fd_, 0, SEEK_SET);
        while ((n = ::read(log_fd_, buf, sizeof buf)) > 0) message.append(buf, std::size_t(n));
        ::close(log_fd_), log_fd_ = -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    // The last non-empty line of ffmpeg's log is its reason.
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' ')) message.pop_back();
    const std::size_t nl = message.find_last_of('\n');
    if (nl != std::string::npos) message = message.substr(nl + 1);
    for (std::size_t at; !path_.empty() && (at = message.find(path_)) != std::string::npos;) message.replace(at, path_.size(), shown_);
    if (message.empty()) message = WIFSIGNALED(status) ? "it was stopped by signal " + std::to_string(WTERMSIG(status))
                                                       : "it exited with code " + std::to_string(WEXITSTATUS(status));
    return Error{"ffmpeg failed: " + message};
}

Status VideoPipe::finish() { return collect(); }

void VideoPipe::abort() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    if (pid_ > 0 || stdin_fd_ >= 0 || log_fd_ >= 0) collect();
}

}  // namespace ddpm::detail
