# Sourced by the shell targets that read what ansible-playbook prints: the default stdout callback without
# colour, and none of the plan callback's settings a caller's environment may hold. Each target then enables
# the callbacks it tests (or none).
export ANSIBLE_STDOUT_CALLBACK=ansible.builtin.default
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
unset ANSIBLE_CALLBACKS_ENABLED MULTICLOUD_PLAN_JSON MULTICLOUD_PLAN_MARKDOWN MULTICLOUD_PLAN_SHOW_UNCHANGED MULTICLOUD_PLAN_DISPLAY
