from doithoai.cli import main

main()
