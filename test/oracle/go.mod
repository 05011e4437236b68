module goshift.local/oracle

go 1.24
