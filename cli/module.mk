# cli/ — the mmlab command.
CLI_SRCS += $(wildcard cli/*.c)

# make check-report: a real report rendered in headless Chromium (Debian's
# chromium, installed here when missing: it is large, so make test does
# not need it); fails on an empty render or any console message.
.PHONY: check-report
check-report: $(MMLAB) tools/check-report.sh
	@tools/check-report.sh $(MMLAB) $(B)/check-report
