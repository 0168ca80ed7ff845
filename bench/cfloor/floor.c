// The C floor for one PidGuard acquire + release: the same system calls InstanceLock makes,
// with no runtime around them. Build: gcc -O2 -o floor floor.c   Run: ./floor DIR ITERATIONS FSYNC(0|1)
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[4096], lockp[4200], pidp[4200], statep[4200], pidtmp[4200], statetmp[4200];
static char json[512];

static void write_atomic(const char *tmp, const char *target, const char *data, size_t len, int sync, struct statx *out) {
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) { perror("open tmp"); exit(1); }
    fchmod(fd, 0644);
    if (write(fd, data, len) != (ssize_t)len) { perror("write"); exit(1); }
    if (sync) fsync(fd);
    statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, out);
    close(fd);
    if (rename(tmp, target) != 0) { perror("rename"); exit(1); }
}

static void cycle(int sync) {
    struct statx st, now, pidst, statest;
    statx(AT_FDCWD, dir, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &st);          // ensure directory
    int fd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &st);                         // regular file of ours
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) { perror("flock"); exit(1); }
    statx(AT_FDCWD, lockp, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &now);       // same inode
    char stat[1024];                                                             // own start time token
    int sfd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    ssize_t n = read(sfd, stat, sizeof stat - 1); close(sfd); (void)n;
    int len = snprintf(json, sizeof json, "{\n  \"version\": 1,\n  \"name\": \"bench\",\n  \"pid\": %d,\n  \"startToken\": \"123456\",\n  \"bootId\": \"82d59afd-2c25-4c87-9516-9356b8567642\",\n  \"startedAt\": \"2026-11-22T19:08:54.9859387+00:00\",\n  \"commandLine\": [\"bench\"],\n  \"workingDirectory\": \"/work\",\n  \"host\": \"vm\"\n}", getpid());
    write_atomic(statetmp, statep, json, len, sync, &statest);
    char pid[16]; int plen = snprintf(pid, sizeof pid, "%d\n", getpid());
    write_atomic(pidtmp, pidp, pid, plen, sync, &pidst);
    // release
    statx(AT_FDCWD, pidp, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &now); unlink(pidp);
    statx(AT_FDCWD, statep, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &now); unlink(statep);
    flock(fd, LOCK_UN);
    close(fd);
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: floor DIR ITERATIONS FSYNC\n"); return 2; }
    snprintf(dir, sizeof dir, "%s", argv[1]);
    mkdir(dir, 0700);
    snprintf(lockp, sizeof lockp, "%s/bench.lock", dir); snprintf(pidp, sizeof pidp, "%s/bench.pid", dir);
    snprintf(statep, sizeof statep, "%s/bench.json", dir); snprintf(pidtmp, sizeof pidtmp, "%s/.bench.pid.tmp", dir);
    snprintf(statetmp, sizeof statetmp, "%s/.bench.json.tmp", dir);
    long iterations = atol(argv[2]); int sync = atoi(argv[3]);
    for (int i = 0; i < 1000; i++) cycle(sync);                                 // warm up
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < iterations; i++) cycle(sync);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / iterations;
    printf("C floor, fsync=%d: %.2f us per acquire+release (%ld iterations)\n", sync, us, iterations);
    return 0;
}
