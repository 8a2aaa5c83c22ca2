/**
 * The program that creates the sandbox's namespaces and builds it, in one exec.
 *
 * Perl, not sh + util-linux: each `mount`/`pivot_root`/`umount`/`unshare` exec costs ~4 ms on
 * a small machine (libmount parses the mount table every time), so a sh script of 30 such
 * steps took ~100 ms per command. perl-base is Essential on Debian and Ubuntu and calls
 * unshare(2), mount(2), pivot_root(2), umount2(2) and prctl(2) directly through syscall().
 * Syscall numbers come from the launcher (they differ per architecture).
 *
 * Process layout: the launcher process unshares user, mount, PID (and network) namespaces,
 * maps the caller's uid to root inside, forks PID 1 of the new PID namespace and closes its
 * own stdout/stderr. PID 1 builds the root, pivots into it, and forks the command into a
 * further user namespace: the command holds no capability over the mount namespace we built,
 * so it cannot unmount the read-only binds (locked tests) or remount anything writable —
 * mounts seen from a less privileged namespace are locked by the kernel.
 *
 * Argument protocol (render.ts writes it): five syscall numbers (mount umount2 pivot_root
 * unshare prctl), the unshare flags, then steps, `--`, the command's argv.
 *   d PATH                 mkdir -p
 *   f PATH                 create an empty file (a bind target)
 *   l TARGET PATH          symlink
 *   m SRC TGT TYPE FLAGS DATA   mount(2); DATA "" = NULL
 *   b SRC TGT FLAGS        bind mount; then remount with FLAGS (read-only…) unless FLAGS is 0
 *   q PATH                 make an existing regular file read-only in place (locked tests)
 *   n                      bring up loopback (a new network namespace starts with it down)
 *   p ROOT                 pivot_root into ROOT and detach the old root: the host is gone
 *   u UID GID              the ids the command runs as (in its own user namespace)
 *   c DIR                  the command's working directory
 *
 * Status lines go to fd 3: `P <host pid of PID 1>`, `R` once the sandbox is built,
 * `X <reason>` if building it failed (exit 125), `E <errno>` if the command could not be
 * executed (exit 127), `D <exit code>` once the command and every process it left behind
 * are dead and reaped — the caller need not wait for the kernel's namespace teardown.
 */
export const SETUP_SCRIPT = String.raw`
my ($SM, $SU, $SP, $SN, $SC, $NS) = map { 0 + $_ } splice(@ARGV, 0, 6);
open(my $st, '>&=', 3) or exit 125;
select((select($st), $| = 1)[0]);
sub fail { print $st "X $_[0]: " . (0 + $!) . "\n"; exit 125 }
sub put { my ($f, $v) = @_; open(my $h, '>', $f) or fail("open $f"); print $h $v; close $h or fail("write $f") }
my ($ouid, $ogid) = ($<, (split(/ /, $())[0]);
syscall($SN, $NS) == 0 or fail('unshare');
put('/proc/self/setgroups', 'deny'); put('/proc/self/uid_map', "0 $ouid 1"); put('/proc/self/gid_map', "0 $ogid 1");
my $init = fork();
defined $init or fail('fork');
if ($init) {
  close STDOUT; close STDERR;
  waitpid($init, 0);
  exit(($? & 127) ? 128 + ($? & 127) : $? >> 8);
}
# PR_SET_PDEATHSIG: PID 1 (and so the whole namespace) dies with the launcher process.
syscall($SC, 1, 9, 0, 0, 0);
if (open(my $s, '<', '/proc/self/stat')) { my ($p) = split(/ /, scalar <$s>); print $st "P $p\n"; close $s }
sub mnt { my ($s, $t, $ty, $f, $d) = @_; syscall($SM, $s, $t, $ty, 0 + $f, length($d) ? $d : 0) == 0 }
sub mkpath { my $p = ''; for my $c (split m{/}, $_[0]) { next if $c eq ''; $p .= "/$c"; -d $p or mkdir($p) or -d $p or fail("mkdir $p") } }
sub robind {
  my ($t, $f) = @_;
  for my $x (0, 8, 1024, 1032) { return 1 if mnt('', $t, '', 32 | 4096 | $f | $x, '') }
  fail("remount $t");
}
mnt('none', '/', '', 16384 | 262144, '') or fail('make mounts private');
my ($uid, $gid, $cwd) = (0, 0, '/');
while (defined(my $op = shift @ARGV)) {
  last if $op eq '--';
  if ($op eq 'd') { mkpath(shift @ARGV) }
  elsif ($op eq 'f') { my $p = shift @ARGV; unless (-e $p) { open(my $h, '>', $p) or fail("create $p"); close $h } }
  elsif ($op eq 'l') { my ($t, $p) = splice(@ARGV, 0, 2); symlink($t, $p) or fail("symlink $p") }
  elsif ($op eq 'm') { my @a = splice(@ARGV, 0, 5); mnt(@a) or fail("mount $a[1]") }
  elsif ($op eq 'b') { my ($s, $t, $f) = splice(@ARGV, 0, 3); mnt($s, $t, '', 4096, '') or fail("bind $t"); robind($t, $f) if $f }
  elsif ($op eq 'q') { my $p = shift @ARGV; if (-f $p && !-l $p) { mnt($p, $p, '', 4096, '') or fail("bind $p"); robind($p, 1 | 2 | 4) } }
  elsif ($op eq 'n') { socket(my $k, 2, 2, 0) or fail('socket'); my $r = pack('a16 s x22', 'lo', 0x1 | 0x8 | 0x40); ioctl($k, 0x8914, $r) or fail('loopback up'); close $k }
  elsif ($op eq 'p') { chdir(shift @ARGV) or fail('chdir root'); my ($a, $b) = ('.', '.'); syscall($SP, $a, $b) == 0 or fail('pivot_root'); syscall($SU, $a, 2) == 0 or fail('umount old root'); chdir('/') }
  elsif ($op eq 'u') { ($uid, $gid) = splice(@ARGV, 0, 2) }
  elsif ($op eq 'c') { $cwd = shift @ARGV }
  else { fail("unknown step $op") }
}
print $st "R\n";
my $pid = fork();
defined $pid or fail('fork');
if ($pid == 0) {
  syscall($SN, 0x10000000) == 0 or fail('unshare user');
  put('/proc/self/setgroups', 'deny'); put('/proc/self/uid_map', "$uid 0 1"); put('/proc/self/gid_map', "$gid 0 1");
  chdir($cwd) or fail("chdir $cwd");
  fcntl($st, 2, 1);
  exec { $ARGV[0] } @ARGV;
  print $st "E " . (0 + $!) . "\n";
  exit 127;
}
my $rc = 125;
while (1) { my $w = waitpid(-1, 0); last if $w < 0; if ($w == $pid) { $rc = ($? & 127) ? 128 + ($? & 127) : $? >> 8; last } }
# The command is done: nothing it started may outlive it. Kill and reap every process left in
# the namespace (PID 1 can signal them all), then say so.
while (1) { kill 9, -1; last if waitpid(-1, 0) < 0 }
close STDOUT; close STDERR;
print $st "D $rc\n";
exit $rc;
`;
