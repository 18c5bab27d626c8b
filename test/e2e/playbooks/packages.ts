/**
 * Packages from local repositories the test built: yum/dnf on the host that has them (h3),
 * apt on the others, and `pkg` picking between them by the host's facts. `-e demo_state=`
 * and `-e apt_state=` (present/absent) drive the two phases of the test.
 */
import { play, playbook, task } from "../../../engine";
import { copy, file } from "../../../modules";
import { apt } from "../../../modules/apt";
import { pkg } from "../../../modules/package";
import { yum } from "../../../modules/yum";

// h3 carries Debian's dnf and rpm for the test (see packages.test.ts): it is the RPM host
const onRpmHost = (h: { host: string }) => h.host === "h3";
const state = (name: string) => (h: { vars: Record<string, unknown> }) => h.vars[name] as "present" | "absent";

const aptSource = task("apt source", copy({ dest: "/etc/apt/sources.list.d/tsplay-test.list", content: "deb [trusted=yes] file:/var/tmp/tsplay-apt-repo ./\n" }), {
  when: (h) => !onRpmHost(h),
});

export default playbook([
  play({
    name: "packages",
    hosts: "testbed",
    tasks: [
      task("yum repos folder", file({ path: "/etc/yum.repos.d", state: "directory", mode: "0755" }), { when: (h) => onRpmHost(h) }),
      task(
        "yum repo",
        copy({ dest: "/etc/yum.repos.d/tsplay-test.repo", content: "[tsplay-test]\nname=tsplay test\nbaseurl=file:///var/tmp/tsplay-rpm-repo\nenabled=1\ngpgcheck=0\n" }),
        { when: (h) => onRpmHost(h) },
      ),
      task("tool, newest, from one repository", yum({ name: ["tsplay-tool"], state: "latest", disablerepo: "*", enablerepo: "tsplay-test", updateCache: true }), {
        when: (h) => onRpmHost(h),
      }),
      aptSource,
      task("apt lists", apt({ updateCache: true }), { when: (h) => !onRpmHost(h) && h.result(aptSource)?.changed === true }),
      task("hello and tree", apt({ name: ["hello", "tree"], state: state("apt_state"), installRecommends: false }), { when: (h) => !onRpmHost(h) }),
      task("tool, newest", pkg({ name: "tsplay-tool", state: "latest" }), { when: (h) => !onRpmHost(h) }),
      task("demo, either way", pkg({ name: "tsplay-demo", state: state("demo_state"), use: (h) => (onRpmHost(h) ? "yum" : "auto") })),
    ],
  }),
]);
